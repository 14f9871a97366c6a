/**
 * The pure half of `npm run conformance`: adapting Microsoft's reference collection to one tenant of ours,
 * and turning newman's run summary into `N passed, N failed`.
 */
import { describe, expect, it } from '@jest/globals';

import {
  adaptCollection,
  allPassed,
  formatSummary,
  summariseRun,
  tenantVariables,
} from '../../../bin/conformance/collection';
import type { NewmanRunResult } from '../../../bin/conformance/collection';

const request = (name: string, path: string) => ({
  name,
  request: {
    method: 'GET',
    url: { raw: `{{Protocol}}://{{Server}}{{Port}}/{{Api}}/${path}`, path: ['{{Api}}', path] },
  },
});

describe('adaptCollection', () => {
  const collection = {
    info: { name: 'SCIM Tests' },
    item: [
      { name: 'Get Token', item: [request('Get Token', 'Token')] },
      {
        name: 'Endpoint tests',
        item: [request('Config', 'serviceConfiguration'), request('Users', 'Users')],
      },
    ],
  };

  it("drops the reference server's own token folder and keeps the rest in order", () => {
    const adapted = adaptCollection(collection);
    expect(adapted.item.map((item) => item.name)).toEqual(['Endpoint tests']);
    expect(adapted.info).toEqual({ name: 'SCIM Tests' });
  });

  it('renames serviceConfiguration to ServiceProviderConfig in the raw URL and the path segments', () => {
    const folder = adaptCollection(collection).item[0] as { item: ReturnType<typeof request>[] };
    expect(folder.item[0]?.request.url).toEqual({
      raw: '{{Protocol}}://{{Server}}{{Port}}/{{Api}}/ServiceProviderConfig',
      path: ['{{Api}}', 'ServiceProviderConfig'],
    });
    expect(folder.item[1]?.request.url.raw).toBe('{{Protocol}}://{{Server}}{{Port}}/{{Api}}/Users');
  });

  it('does not change its input', () => {
    const before = JSON.stringify(collection);
    adaptCollection(collection);
    expect(JSON.stringify(collection)).toBe(before);
  });

  it.each([null, [], 'text', { info: {} }, { item: 'x' }])('rejects %j as not a collection', (json) => {
    expect(() => adaptCollection(json)).toThrow('Not a Postman collection');
  });
});

describe('tenantVariables', () => {
  it("splits the tenant URL the way the reference collection's variables expect", () => {
    expect(tenantVariables('http://127.0.0.1:4321/tenants/conformance/scim/v2', 'scim_secret')).toEqual([
      { key: 'Protocol', value: 'http' },
      { key: 'Server', value: '127.0.0.1' },
      { key: 'Port', value: ':4321' },
      { key: 'Api', value: 'tenants/conformance/scim/v2' },
      { key: 'baseUrl', value: 'http://127.0.0.1:4321/tenants/conformance/scim/v2' },
      { key: 'token', value: 'scim_secret' },
    ]);
  });

  it('leaves Port empty for the default port and drops a trailing slash', () => {
    const variables = tenantVariables('https://scim.example.com/tenants/acme/scim/v2/', 't');
    expect(variables.find((variable) => variable.key === 'Port')?.value).toBe('');
    expect(variables.find((variable) => variable.key === 'Api')?.value).toBe('tenants/acme/scim/v2');
    expect(variables.find((variable) => variable.key === 'baseUrl')?.value).toBe(
      'https://scim.example.com/tenants/acme/scim/v2',
    );
  });
});

describe('summariseRun and formatSummary', () => {
  const run: NewmanRunResult = {
    stats: { assertions: { total: 107, failed: 2 }, requests: { total: 79, failed: 0 } },
    failures: [
      {
        at: 'assertion:0 in test-script',
        source: { name: 'Group patch add member' },
        error: {
          test: 'Status code is 204',
          message: 'expected response to have status code 204 but got 400',
        },
      },
      { at: 'request', source: { name: 'Get all users' }, error: { message: 'connect ECONNREFUSED' } },
    ],
  };

  it('counts passed and failed assertions and names each failure', () => {
    expect(summariseRun(run)).toEqual({
      passed: 105,
      failed: 2,
      failedRequests: 0,
      failures: [
        {
          request: 'Group patch add member',
          test: 'Status code is 204',
          message: 'expected response to have status code 204 but got 400',
        },
        { request: 'Get all users', test: 'request', message: 'connect ECONNREFUSED' },
      ],
    });
  });

  it('prints one line per failure, then the count line', () => {
    expect(formatSummary(summariseRun(run))).toEqual([
      'FAIL Group patch add member :: Status code is 204 :: expected response to have status code 204 but got 400',
      'FAIL Get all users :: request :: connect ECONNREFUSED',
      '105 passed, 2 failed',
    ]);
  });

  it('reports requests that got no response, which count as a failed run', () => {
    const summary = summariseRun({
      stats: { assertions: { total: 3, failed: 0 }, requests: { total: 2, failed: 1 } },
      failures: [],
    });
    expect(formatSummary(summary)).toEqual(['1 requests got no response', '3 passed, 0 failed']);
    expect(allPassed(summary)).toBe(false);
  });

  it('is a success only when nothing failed', () => {
    expect(allPassed(summariseRun(run))).toBe(false);
    expect(
      allPassed(
        summariseRun({
          stats: { assertions: { total: 3, failed: 0 }, requests: { total: 2, failed: 0 } },
          failures: [],
        }),
      ),
    ).toBe(true);
  });

  it('treats missing counts as zero', () => {
    expect(summariseRun({ stats: { assertions: {}, requests: {} }, failures: [] })).toEqual({
      passed: 0,
      failed: 0,
      failedRequests: 0,
      failures: [],
    });
  });
});
