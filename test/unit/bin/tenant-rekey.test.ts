/**
 * `tenant rekey` as the operator sees it: parsing, the existing-tenant check, and a report of ids and
 * counts only. The rewrite itself runs on DynamoDB Local in test/integration/store/rekey-lookups.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CliError, createTenant, main, parseInvocation, rekeyTenant } from '../../../bin/tenant';
import type { CliDeps } from '../../../bin/tenant';
import { FileTokenStore } from '../../../lambdas/auth/file-token-store';
import type { RekeyReport } from '../../../lambdas/store/rekey-lookups';

const HOLDER = '0f8fad5b-d9cb-469f-a165-70867728950e';
const DUPLICATE = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const REPORT: RekeyReport = {
  resources: 12,
  written: 3,
  removed: 4,
  collisions: [{ type: 'User', attribute: 'userName', id: DUPLICATE, heldBy: HOLDER }],
};

let directory: string;
let output: string[];
let asked: string[];
let deps: CliDeps;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'scim-rekey-'));
  output = [];
  asked = [];
  deps = {
    tokenStore: new FileTokenStore(join(directory, 'tenants')),
    rekey: (tenantId) => {
      asked.push(tenantId);
      return Promise.resolve(REPORT);
    },
    apiBaseUrl: 'https://scim.example.com',
    now: () => new Date('2026-03-01T12:00:00.000Z'),
    print: (line) => output.push(line),
    warn: () => undefined,
  };
});
afterEach(() => rm(directory, { recursive: true, force: true }));

describe('tenant rekey', () => {
  it('parses `rekey <tenantId>` and needs the tenant id', () => {
    expect(parseInvocation(['rekey', 'acme'], {}).command).toEqual({ name: 'rekey', tenantId: 'acme' });
    expect(() => parseInvocation(['rekey'], {})).toThrow(CliError);
  });

  it('rekeys an existing tenant and prints counts and clashing ids, never a value', async () => {
    await createTenant(deps, 'acme', { printToken: true });
    output.length = 0;
    await expect(rekeyTenant(deps, 'acme')).resolves.toEqual(REPORT);
    expect(asked).toEqual(['acme']);
    expect(output[0]).toBe(
      'Tenant acme: 12 resources read, 3 lookup items written, 4 items of older keys removed.',
    );
    expect(output[1]).toContain(`User ${DUPLICATE} has the userName of User ${HOLDER}`);
    expect(output).toHaveLength(2);
  });

  it('--stage needs the table (it rewrites items there), before any call', async () => {
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await expect(
        main(['rekey', 'acme', '--stage', 'prod'], { SCIM_API_URL: 'https://api.example.com' }),
      ).resolves.toBe(2);
      expect(String(errors.mock.calls[0]?.[0])).toContain('--stage rekey needs --table');
    } finally {
      errors.mockRestore();
    }
  });

  it('refuses an unknown tenant and a target without a table', async () => {
    await expect(rekeyTenant(deps, 'nobody')).rejects.toThrow('does not exist');
    await expect(rekeyTenant({ ...deps, rekey: undefined }, 'acme')).rejects.toThrow(CliError);
    expect(asked).toEqual([]);
  });
});
