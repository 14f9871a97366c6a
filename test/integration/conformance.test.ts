/**
 * `npm run conformance` for real: a small collection in the shape of Microsoft's reference one, run by
 * newman against a fresh tenant of the local server (on the integration project's DynamoDB Local).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CONFORMANCE_TENANT, runConformance } from '../../bin/conformance/run';

const url = (path: string) => ({
  raw: `{{Protocol}}://{{Server}}{{Port}}/{{Api}}/${path}`,
  protocol: '{{Protocol}}',
  host: ['{{Server}}{{Port}}'],
  path: ['{{Api}}', ...path.split('/')],
});

const bearer = { type: 'bearer', bearer: [{ key: 'token', value: '{{token}}', type: 'string' }] };

const item = (name: string, method: string, path: string, tests: string[], body?: unknown) => ({
  name,
  event: [{ listen: 'test', script: { type: 'text/javascript', exec: tests } }],
  request: {
    auth: bearer,
    method,
    header: [{ key: 'Content-Type', value: 'application/scim+json' }],
    ...(body === undefined ? {} : { body: { mode: 'raw', raw: JSON.stringify(body) } }),
    url: url(path),
  },
});

/** Three assertions that pass only on a fresh, reachable, authenticated tenant, and one that must fail. */
const COLLECTION = {
  info: { name: 'conformance command test', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/' },
  item: [
    {
      // The reference server's own token endpoint: asserts what we never answer, so it must be dropped.
      name: 'Get Token',
      item: [
        item('Get Token', 'POST', 'Token', [
          'pm.test("token issued", () => pm.response.to.have.status(200));',
        ]),
      ],
    },
    {
      name: 'Endpoint tests',
      item: [
        item('Config', 'GET', 'serviceConfiguration', [
          'pm.test("config", () => pm.expect(pm.response.json().schemas[0]).to.include("ServiceProviderConfig"));',
        ]),
        item('Empty tenant', 'GET', 'Users', [
          'pm.test("200", () => pm.response.to.have.status(200));',
          'pm.test("no users yet", () => pm.expect(pm.response.json().totalResults).to.eql(0));',
        ]),
        item(
          'Create twice',
          'POST',
          'Users',
          ['pm.test("Status code is 201", () => pm.response.to.have.status(201));'],
          { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada@example.com' },
        ),
        item(
          'Create twice again',
          'POST',
          'Users',
          ['pm.test("Status code is 201", () => pm.response.to.have.status(201));'],
          { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada@example.com' },
        ),
      ],
    },
  ],
};

describe('runConformance', () => {
  let dir: string;
  let collectionFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'conformance-test-'));
    collectionFile = join(dir, 'collection.json');
    await writeFile(collectionFile, JSON.stringify(COLLECTION));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the collection against a fresh tenant and counts the results', async () => {
    const starts: string[] = [];
    const summary = await runConformance({
      collectionFile,
      dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT!,
      onStart: (tenantUrl) => starts.push(tenantUrl),
    });

    expect(starts).toHaveLength(1);
    expect(starts[0]).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:\\d+/tenants/${CONFORMANCE_TENANT}/scim/v2$`),
    );
    expect(summary).toEqual({
      passed: 4,
      failed: 1,
      failedRequests: 0,
      failures: [
        {
          request: 'Create twice again',
          test: 'Status code is 201',
          message: 'expected response to have status code 201 but got 409',
        },
      ],
    });
  }, 60_000);

  it('starts from an empty tenant each time', async () => {
    const summary = await runConformance({
      collectionFile,
      dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT!,
    });
    expect([summary.passed, summary.failed]).toEqual([4, 1]);
  }, 60_000);

  it('names a collection file it cannot read', async () => {
    await expect(runConformance({ collectionFile: join(dir, 'missing.json') })).rejects.toThrow(
      /Cannot read .*missing\.json/,
    );
  });

  it('rejects a file that is not JSON', async () => {
    const file = join(dir, 'not-json.json');
    await writeFile(file, 'not json');
    await expect(runConformance({ collectionFile: file })).rejects.toThrow('is not JSON');
  });
});
