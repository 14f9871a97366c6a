/**
 * The local server and long GET filters: the documented 10,000-character filter fits in a GET however it
 * is percent-encoded, and a request line beyond the header limit gets a SCIM error body, not Node's bare
 * 431.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { LocalServer } from '../../../bin/local/server';
import { MAX_HEADER_BYTES, startLocalServer } from '../../../bin/local/server';
import { MAX_FILTER_LENGTH } from '../../../lambdas/scim/filter/parser';

jest.setTimeout(60_000);

let dataDir: string;
let server: LocalServer;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'scim-headers-'));
  server = await startLocalServer({
    port: 0,
    dataDir,
    dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT ?? '',
    tableName: `headers-${randomBytes(6).toString('hex')}`,
    tenantId: 'demo',
    logLevel: 'SILENT',
  });
});
afterAll(async () => {
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const list = (filter: string): Promise<Response> =>
  fetch(`${server.tenantUrl}/Users?filter=${encodeURIComponent(filter)}`, {
    headers: { Authorization: `Bearer ${server.token}` },
  });

/** A filter of exactly `length` characters whose value is all `character`. */
const filterOf = (length: number, character: string): string => {
  const prefix = 'displayName co "';
  return `${prefix}${character.repeat(length - prefix.length - 1)}"`;
};

describe('long GET filters on the local server', () => {
  it('accepts a 10,000-character filter of 3-byte characters (90 KB percent-encoded)', async () => {
    const filter = filterOf(MAX_FILTER_LENGTH, '語');
    expect(filter).toHaveLength(MAX_FILTER_LENGTH);
    expect(encodeURIComponent(filter).length).toBeGreaterThan(16 * 1024 * 5);
    const answer = await list(filter);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ totalResults: 0 });
  });

  it('answers a request line above the limit with a SCIM error body', async () => {
    const answer = await list(filterOf(MAX_HEADER_BYTES / 3 + 100, 'é'));
    expect(answer.status).toBe(431);
    expect(answer.headers.get('content-type')).toBe('application/scim+json');
    expect(await answer.json()).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '431',
      detail: expect.stringContaining('/.search') as unknown,
    });
  });
});
