/**
 * What recording the setup page's connection status costs Entra's requests, on DynamoDB Local through the
 * real Users handler: the same flow against a handler without a recorder and one with it, counted per
 * request as the store benchmark counts (requests, and sequential rounds). The store's own rounds are the
 * same; the recorder adds one write, in one round, only to the first request of the minute, to the Test
 * Connection probe, to each error answered, and to a request that ignores an attribute name not yet
 * recorded.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';

import type { TokenStore } from '../../../lambdas/auth/token-store';
import { newTenantRecord } from '../../../lambdas/auth/tokens';
import type { TenantTokenRecord } from '../../../lambdas/auth/tokens';
import { createUsersHandler } from '../../../lambdas/http/handlers';
import { createLogger } from '../../../lambdas/logger';
import type { ScimLambdaHandler } from '../../../lambdas/middleware';
import { CORE_USER_URN } from '../../../lambdas/scim/schema/urns';
import { MAX_IGNORED_ATTRIBUTES } from '../../../lambdas/store/keys';
import { dynamoDbStatusRecorder } from '../../../lambdas/store/tenant-status';
import { DynamoDbTenantActivity } from '../../../lambdas/store/tenant-status-reader';
import { makeContext, makeEvent } from '../../unit/middleware/helpers';
import { createTestTable } from './table';
import type { TestTable } from './table';

interface Cost {
  requests: string[];
  rounds: number;
}

const meter = { commands: [] as string[], rounds: 0, inFlight: 0 };
let table: TestTable;
const tenants = new Map<string, TenantTokenRecord>();
const tokens = new Map<string, string>();
const tokenStore: TokenStore = { getTenantTokens: (tenantId) => Promise.resolve(tenants.get(tenantId)) };
const logger = createLogger({ serviceName: 'status-rounds', logLevel: 'SILENT' });

beforeAll(async () => {
  table = await createTestTable();
  table.documentClient.middlewareStack.add(
    (next, context) => async (args) => {
      meter.commands.push(context.commandName ?? 'unknown');
      if (meter.inFlight === 0) meter.rounds += 1;
      meter.inFlight += 1;
      try {
        return await next(args);
      } finally {
        meter.inFlight -= 1;
      }
    },
    { step: 'initialize', name: 'roundsMeter' },
  );
  for (const tenantId of ['plain', 'recorded', 'misspelt', 'plain-misspelt']) {
    const { record, token } = newTenantRecord(tenantId, new Date());
    tenants.set(tenantId, record);
    tokens.set(tenantId, token);
  }
});
afterAll(() => table.close());

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Entra's first cycle for one user: Test Connection, match, create, update, a duplicate create, read. */
async function entraFlow(
  tenantId: string,
  handler: ScimLambdaHandler,
): Promise<{ status: number; cost: Cost }[]> {
  const base = `/tenants/${tenantId}/scim/v2/Users`;
  const headers = {
    authorization: `Bearer ${tokens.get(tenantId) ?? ''}`,
    'content-type': 'application/scim+json',
    'user-agent': 'Azure AD SCIM',
  };
  const user = { schemas: [CORE_USER_URN], userName: 'ada@example.com', externalId: 'obj-1', active: true };
  const steps: { method: string; path: string; query?: string; body?: unknown }[] = [
    { method: 'GET', path: base, query: `filter=userName+eq+%22${randomUUID()}%22` },
    { method: 'GET', path: base, query: 'filter=userName+eq+%22ada%40example.com%22' },
    { method: 'POST', path: base, body: user },
    { method: 'GET', path: base, query: 'filter=userName+eq+%22ada%40example.com%22' },
    { method: 'POST', path: base, body: user },
  ];
  const results: { status: number; cost: Cost }[] = [];
  let createdId = '';
  const run = async (method: string, path: string, query = '', body?: unknown) => {
    Object.assign(meter, { commands: [], rounds: 0, inFlight: 0 });
    const result = await handler(
      makeEvent({
        method,
        rawPath: path,
        rawQueryString: query,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
      makeContext(),
    );
    results.push({
      status: result.statusCode ?? 0,
      cost: { requests: meter.commands, rounds: meter.rounds },
    });
    return result;
  };
  for (const step of steps) {
    const result = await run(step.method, step.path, step.query, step.body);
    if (step.method === 'POST' && result.statusCode === 201) {
      createdId = (JSON.parse(result.body ?? '{}') as { id: string }).id;
    }
  }
  await run('PATCH', `${base}/${createdId}`, '', {
    schemas: [PATCH_OP],
    Operations: [{ op: 'replace', path: 'active', value: false }],
  });
  await run('GET', `${base}/${createdId}`);
  return results;
}

jest.setTimeout(30_000);

describe('status recording on the SCIM chain, on DynamoDB Local', () => {
  it("keeps the store's requests and rounds of Entra's flow; adds one write in one round where it records", async () => {
    const repository = table.repository();
    const plain = await entraFlow('plain', createUsersHandler({ repository, tokenStore, logger }));
    const recorded = await entraFlow(
      'recorded',
      createUsersHandler({
        repository,
        tokenStore,
        logger,
        statusRecorder: dynamoDbStatusRecorder(table.documentClient, table.tableName),
      }),
    );
    expect(recorded.map(({ status }) => status)).toEqual([200, 200, 201, 200, 409, 204, 200]);
    expect(plain.map(({ status }) => status)).toEqual(recorded.map(({ status }) => status));

    const statusWrites = recorded.map(({ cost }, index) => {
      const store = plain[index]?.cost ?? { requests: [], rounds: 0 };
      // The very same store requests first (the chain records after the route has answered)...
      expect(cost.requests.slice(0, store.requests.length)).toEqual(store.requests);
      const writes = cost.requests.slice(store.requests.length);
      for (const write of writes) expect(['UpdateItemCommand', 'PutItemCommand']).toContain(write);
      // ...and the same rounds: a request that records spends exactly one more.
      expect(cost.rounds).toBe(store.rounds + (writes.length > 0 ? 1 : 0));
      return writes.length;
    });
    // The probe (last seen + Test Connection, one write), nothing for the next four successes, one
    // for the 409, nothing for the PATCH and the GET.
    expect(statusWrites).toEqual([1, 0, 0, 0, 1, 0, 0]);

    const activity = await new DynamoDbTenantActivity(table.documentClient, table.tableName).read('recorded');
    expect(activity.recorded).toMatchObject({ userAgent: 'Azure AD SCIM' });
    expect(activity.recorded.testConnectionAt).toBe(activity.recorded.lastSeenAt);
    expect(activity.errors).toEqual([
      expect.objectContaining({
        status: 409,
        scimType: 'uniqueness',
        attribute: 'userName',
        request: 'POST /Users',
      }),
    ]);
  });
});

describe('ignored attribute names, on DynamoDB Local', () => {
  const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

  /** Entra with a mapping to `nickname2` and one to the enterprise `costCentre`: a POST, then PATCHes. */
  async function misspeltFlow(tenantId: string, handler: ScimLambdaHandler) {
    const base = `/tenants/${tenantId}/scim/v2/Users`;
    const headers = {
      authorization: `Bearer ${tokens.get(tenantId) ?? ''}`,
      'content-type': 'application/scim+json',
      'user-agent': 'Azure AD SCIM',
    };
    const results: { status: number; cost: Cost }[] = [];
    const run = async (method: string, path: string, body: unknown) => {
      Object.assign(meter, { commands: [], rounds: 0, inFlight: 0 });
      const result = await handler(
        makeEvent({ method, rawPath: path, headers, body: JSON.stringify(body) }),
        makeContext(),
      );
      results.push({
        status: result.statusCode ?? 0,
        cost: { requests: meter.commands, rounds: meter.rounds },
      });
      return result;
    };
    const created = await run('POST', base, {
      schemas: [CORE_USER_URN],
      userName: 'grace@example.com',
      nickname2: 'Amazing Grace',
    });
    const id = (JSON.parse(created.body ?? '{}') as { id: string }).id;
    const patch = (path: string, value: unknown) =>
      run('PATCH', `${base}/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path, value }] });
    await patch('nickname2', 'Grace');
    await patch(`${ENTERPRISE}:costCentre`, 'C1');
    await patch('displayName', 'Grace Hopper');
    return results;
  }

  it('POST and PATCH ignore the same misspelt attributes; each new name costs one write, in the same round', async () => {
    const repository = table.repository();
    const plain = await misspeltFlow(
      'plain-misspelt',
      createUsersHandler({ repository, tokenStore, logger }),
    );
    const recorded = await misspeltFlow(
      'misspelt',
      createUsersHandler({
        repository,
        tokenStore,
        logger,
        statusRecorder: dynamoDbStatusRecorder(table.documentClient, table.tableName),
      }),
    );
    expect(recorded.map(({ status }) => status)).toEqual([201, 204, 204, 204]);
    expect(plain.map(({ status }) => status)).toEqual([201, 204, 204, 204]);
    const extraWrites = recorded.map(({ cost }, index) => {
      const store = plain[index]?.cost ?? { requests: [], rounds: 0 };
      const writes = cost.requests.slice(store.requests.length);
      expect(cost.rounds).toBe(store.rounds + (writes.length > 0 ? 1 : 0));
      return writes;
    });
    // POST: "last seen" and the new name nickname2; PATCH nickname2 again: nothing; the new costCentre:
    // one write; a PATCH that ignores nothing: nothing.
    expect(extraWrites).toEqual([['UpdateItemCommand', 'UpdateItemCommand'], [], ['UpdateItemCommand'], []]);

    const activity = await new DynamoDbTenantActivity(table.documentClient, table.tableName).read('misspelt');
    expect(activity.recorded.ignoredAttributes).toEqual(['nickname2', `${ENTERPRISE}:costCentre`]);
    expect(activity.users.map((user) => user.displayName)).toEqual(['Grace Hopper']);
  });

  it(`keeps at most ${MAX_IGNORED_ATTRIBUTES} names per tenant, whatever containers send`, async () => {
    const recorder = dynamoDbStatusRecorder(table.documentClient, table.tableName);
    const names = Array.from({ length: MAX_IGNORED_ATTRIBUTES + 10 }, (_, index) => `attr${index}`);
    await recorder.recordIgnoredAttributes('full', names.slice(0, 45));
    // Ten more would overflow: refused whole, without an error (the set is full for these).
    await recorder.recordIgnoredAttributes('full', names.slice(45, 55));
    await recorder.recordIgnoredAttributes('full', names.slice(45, 50));
    await recorder.recordIgnoredAttributes('full', names.slice(50));
    // A name already there adds nothing, but a full set refuses any write.
    await recorder.recordIgnoredAttributes('full', ['attr0']);
    const activity = await new DynamoDbTenantActivity(table.documentClient, table.tableName).read('full');
    expect(activity.recorded.ignoredAttributes).toEqual(names.slice(0, MAX_IGNORED_ATTRIBUTES).sort());
  });
});
