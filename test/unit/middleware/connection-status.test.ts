/**
 * The connection-status middleware through the real chain (scimHandler) with a recording fake recorder:
 * how many writes each request costs, what they hold, and that recording never changes the answer.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import type { TokenStore } from '../../../lambdas/auth/token-store';
import { newTenantRecord } from '../../../lambdas/auth/tokens';
import { scimHandler } from '../../../lambdas/middleware';
import type { ScimRequest, ScimResponse } from '../../../lambdas/middleware';
import { isTestConnectionProbe } from '../../../lambdas/middleware/connection-status';
import { ScimError } from '../../../lambdas/scim/errors';
import { USER_SCHEMA } from '../../../lambdas/scim/schema';
import { ANSWERED_ERROR_SLOTS, MAX_IGNORED_ATTRIBUTES } from '../../../lambdas/store/keys';
import type { AnsweredErrorRecord, SeenRequest, StatusRecorder } from '../../../lambdas/store/tenant-status';
import { captureLogs, makeContext, makeEvent, testLogger } from './helpers';
import type { EventOptions, LogCapture } from './helpers';

const acme = newTenantRecord('acme', new Date('2026-01-01T00:00:00.000Z'));
const tokenStore: TokenStore = {
  getTenantTokens: async (tenantId) => Promise.resolve(tenantId === 'acme' ? acme.record : undefined),
};
const PROBE = 'filter=userName+eq+%2207f8a5a4-7c2b-4f3e-9d61-2a3b4c5d6e7f%22';

interface Writes {
  seen: { tenantId: string; seen: SeenRequest }[];
  errors: { tenantId: string; slot: number; error: AnsweredErrorRecord }[];
  ignored: { tenantId: string; names: readonly string[] }[];
}

let logs: LogCapture;
let clock: number;
let writes: Writes;
let failWith: 'none' | 'throw' | 'hang';

const recorder: StatusRecorder = {
  recordSeen: (tenantId, seen) => {
    writes.seen.push({ tenantId, seen });
    return failure();
  },
  recordError: (tenantId, slot, error) => {
    writes.errors.push({ tenantId, slot, error });
    return failure();
  },
  recordIgnoredAttributes: (tenantId, names) => {
    writes.ignored.push({ tenantId, names });
    return failure();
  },
};
const failure = (): Promise<void> =>
  failWith === 'throw'
    ? Promise.reject(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }))
    : failWith === 'hang'
      ? new Promise<void>(() => undefined)
      : Promise.resolve();

beforeEach(() => {
  logs = captureLogs();
  clock = Date.parse('2026-03-01T10:00:00.000Z');
  writes = { seen: [], errors: [], ignored: [] };
  failWith = 'none';
});
afterEach(() => logs.restore());

const handlerWith = (answer: () => ScimResponse, statusRecorder: StatusRecorder | null = recorder) =>
  scimHandler(async () => Promise.resolve(answer()), {
    tokenStore,
    logger: testLogger(),
    now: () => new Date(clock),
    resourceSchema: USER_SCHEMA,
    ...(statusRecorder === null ? {} : { statusRecorder }),
  });

const ok = (): ScimResponse => ({ status: 200, body: { totalResults: 0, Resources: [] } });

const send = (handler: ReturnType<typeof handlerWith>, options: EventOptions = {}, token = acme.token) =>
  handler(
    makeEvent({
      ...options,
      headers: { authorization: `Bearer ${token}`, 'user-agent': 'Azure AD SCIM', ...options.headers },
    }),
    makeContext(),
  );

describe('last seen', () => {
  it('a minute of successful requests costs one write; the next minute one more', async () => {
    const handler = handlerWith(ok);
    for (let index = 0; index < 10; index += 1) {
      await send(handler, { rawQueryString: 'filter=userName+eq+%22a%40example.com%22' });
      clock += 5_000;
    }
    expect(writes.seen).toHaveLength(1);
    expect(writes.seen[0]).toEqual({
      tenantId: 'acme',
      seen: { at: '2026-03-01T10:00:00.000Z', userAgent: 'Azure AD SCIM', testConnection: false },
    });
    clock = Date.parse('2026-03-01T10:01:00.000Z');
    await send(handler);
    expect(writes.seen).toHaveLength(2);
    expect(writes.errors).toHaveLength(0);
  });

  it("Entra's Test Connection probe is recorded even right after another request", async () => {
    const handler = handlerWith(ok);
    await send(handler);
    clock += 1_000;
    await send(handler, { rawQueryString: PROBE });
    expect(writes.seen.map(({ seen }) => seen.testConnection)).toEqual([false, true]);
    // A second probe within the minute writes nothing more.
    await send(handler, { rawQueryString: PROBE });
    expect(writes.seen).toHaveLength(2);
  });

  it('an unauthenticated request writes nothing (a stranger cannot write into a tenant)', async () => {
    const handler = handlerWith(ok);
    const result = await send(handler, { rawQueryString: PROBE }, 'wrong-token-0123456789');
    expect(result.statusCode).toBe(401);
    expect(writes).toEqual({ seen: [], errors: [], ignored: [] });
  });
});

describe('answered errors', () => {
  it('one write per error, with status, scimType and the attribute at fault but no detail or values', async () => {
    const handler = handlerWith(() => {
      throw ScimError.invalidValue(
        'Invalid value for attribute "emails[0].value": "jane@example.com" is not one.',
      );
    });
    await send(handler, {
      method: 'POST',
      rawPath: '/tenants/acme/scim/v2/Users',
      body: '{}',
      headers: { 'content-type': 'application/scim+json' },
    });
    clock += 1_000;
    await send(handler, {
      method: 'PATCH',
      rawPath: '/tenants/acme/scim/v2/Users/1f2e',
      body: '{}',
      headers: { 'content-type': 'application/scim+json' },
    });
    expect(writes.errors.map(({ error }) => error)).toEqual([
      {
        at: '2026-03-01T10:00:00.000Z',
        status: 400,
        scimType: 'invalidValue',
        attribute: 'emails.value',
        request: 'POST /Users',
      },
      {
        at: '2026-03-01T10:00:01.000Z',
        status: 400,
        scimType: 'invalidValue',
        attribute: 'emails.value',
        request: 'PATCH /Users/{id}',
      },
    ]);
    expect(JSON.stringify(writes)).not.toContain('jane');
    // The first error of the minute also carried "last seen"; the second only its own write.
    expect(writes.seen).toHaveLength(1);
  });

  it('errors take the ring slots in turn, so a tenant never holds more than the ring', async () => {
    const handler = handlerWith(() => ({ status: 404, body: { detail: 'Resource 1 not found.' } }));
    for (let index = 0; index < ANSWERED_ERROR_SLOTS + 3; index += 1) await send(handler);
    const slots = writes.errors.map(({ slot }) => slot);
    expect(new Set(slots).size).toBe(ANSWERED_ERROR_SLOTS);
    for (let index = 1; index < slots.length; index += 1) {
      expect(slots[index]).toBe(((slots[index - 1] ?? 0) + 1) % ANSWERED_ERROR_SLOTS);
    }
    expect(writes.errors[0]?.error).toEqual({
      at: '2026-03-01T10:00:00.000Z',
      status: 404,
      request: 'GET /Users',
    });
  });

  it('a 429 (a tenant over its request limit) writes no error: refusing stays free of writes', async () => {
    const handler = handlerWith(() => {
      throw ScimError.tooManyRequests('Too many requests for this tenant.', 3);
    });
    for (let index = 0; index < 5; index += 1) expect((await send(handler)).statusCode).toBe(429);
    expect(writes.errors).toEqual([]);
  });
});

describe('ignored attribute names', () => {
  /** A route that ignores the names the request lists in its `x-ignore` header, then answers `status`. */
  const ignoring = (status = 201) =>
    scimHandler(
      async (request: ScimRequest) => {
        for (const name of (request.headers['x-ignore'] ?? '').split(',').filter(Boolean))
          request.ignoredAttributes.add(name);
        if (status >= 400) throw ScimError.invalidValue('Attribute "userName" is required.');
        return Promise.resolve({ status, body: {} });
      },
      { tokenStore, logger: testLogger(), now: () => new Date(clock), statusRecorder: recorder },
    );
  const ignore = (handler: ReturnType<typeof ignoring>, names: string) =>
    send(handler, { method: 'POST', headers: { 'x-ignore': names } });

  it('a name is written once, when first seen; a request that ignores nothing new writes nothing', async () => {
    const handler = ignoring();
    await ignore(handler, 'nickname2,name.givenNme');
    await ignore(handler, 'nickname2');
    await ignore(handler, 'name.givenNme,nickname2');
    await ignore(handler, 'nickname2,costCentre');
    await ignore(handler, '');
    expect(writes.ignored).toEqual([
      { tenantId: 'acme', names: ['nickname2', 'name.givenNme'] },
      { tenantId: 'acme', names: ['costCentre'] },
    ]);
  });

  it('names ignored by a refused request are recorded too (the mapping goes nowhere either way)', async () => {
    const result = await ignore(ignoring(400), 'nickname2');
    expect(result.statusCode).toBe(400);
    expect(writes.ignored).toEqual([{ tenantId: 'acme', names: ['nickname2'] }]);
  });

  it(`stops at ${MAX_IGNORED_ATTRIBUTES} names per tenant: a flood of new names costs no more writes`, async () => {
    const handler = ignoring();
    const names = Array.from({ length: MAX_IGNORED_ATTRIBUTES + 20 }, (_, index) => `attr${index}`);
    await ignore(handler, names.slice(0, 30).join(','));
    await ignore(handler, names.slice(30).join(','));
    for (const name of names) await ignore(handler, name);
    expect(writes.ignored.map(({ names: written }) => written.length)).toEqual([
      30,
      MAX_IGNORED_ATTRIBUTES - 30,
    ]);
    expect(writes.ignored.flatMap(({ names: written }) => written)).toEqual(
      names.slice(0, MAX_IGNORED_ATTRIBUTES),
    );
  });

  it('a failed write is retried by the next request that ignores the name', async () => {
    const handler = ignoring();
    failWith = 'throw';
    await ignore(handler, 'nickname2');
    failWith = 'none';
    await ignore(handler, 'nickname2');
    await ignore(handler, 'nickname2');
    expect(writes.ignored.map(({ names }) => names)).toEqual([['nickname2'], ['nickname2']]);
  });
});

describe('recording never changes the answer', () => {
  const answers = async (mode: 'throw' | 'hang', answer: () => ScimResponse) => {
    const plain = await send(handlerWith(answer, null));
    failWith = mode;
    const recorded = await send(handlerWith(answer));
    return { plain, recorded };
  };

  it.each(['throw', 'hang'] as const)('a recorder that %ss: the same success answer', async (mode) => {
    const { plain, recorded } = await answers(mode, ok);
    expect(recorded).toEqual(plain);
    expect(writes.seen).toHaveLength(1);
  });

  it.each(['throw', 'hang'] as const)('a recorder that %ss: the same error answer', async (mode) => {
    const { plain, recorded } = await answers(mode, () => {
      throw ScimError.uniqueness('Another User already has this userName.');
    });
    expect(recorded.statusCode).toBe(409);
    expect(recorded).toEqual(plain);
    expect(writes.errors[0]?.error).toMatchObject({ scimType: 'uniqueness', attribute: 'userName' });
    if (mode === 'throw') expect(logs.text()).toContain('Connection status not recorded');
  });
});

describe('isTestConnectionProbe', () => {
  it.each([
    ['GET', '/tenants/acme/scim/v2/Users', PROBE, true],
    [
      'GET',
      '/tenants/acme/scim/v2/Groups',
      'filter=displayName+eq+%2207f8a5a4-7c2b-4f3e-9d61-2a3b4c5d6e7f%22',
      true,
    ],
    ['GET', '/tenants/acme/scim/v2/Users', 'filter=userName+eq+%22jane%40example.com%22', false],
    ['GET', '/tenants/acme/scim/v2/Users/07f8a5a4-7c2b-4f3e-9d61-2a3b4c5d6e7f', PROBE, false],
    ['POST', '/tenants/acme/scim/v2/Users', PROBE, false],
  ])('%s %s?%s -> %s', (method, rawPath, rawQueryString, expected) => {
    expect(isTestConnectionProbe(makeEvent({ method, rawPath, rawQueryString }))).toBe(expected);
  });
});
