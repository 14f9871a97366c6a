/**
 * Records what the setup page's connection panel shows (lambdas/setup/status.ts), for authenticated
 * requests only (a stranger cannot write into a tenant's status):
 *   - "last seen" and the User-Agent: at most one write per tenant per SEEN_INTERVAL_MS per container;
 *   - Entra's Test Connection probe (a filter on a random GUID, answered 200): written when seen, at most
 *     once per interval too;
 *   - every 4xx/5xx answered but 503 and 429: one small write (time, status, scimType, the attribute at fault, method, and
 *     route template) into the tenant's ring of error slots;
 *   - the names of attributes a request gave that no schema defines (the route puts them in the chain
 *     state): one write when a name this container has not recorded for the tenant appears, never again
 *     for that name; at most MAX_IGNORED_ATTRIBUTES names per tenant, here as in the table.
 * Nothing else is written, and a success costs no write at all between two "last seen" writes. Recording
 * never changes the answer: a failed write is logged by name and dropped, a slow one is not waited for
 * after WRITE_BUDGET_MS, and a request the deadline already answered records nothing.
 */
import { randomInt } from 'node:crypto';

import type { Logger } from '../logger';
import { TENANT_SCIM_PATH } from '../paths';
import { attributeAtFault } from '../scim/error-attribute';
import type { ResourceSchema } from '../scim/schema/types';
import { ANSWERED_ERROR_SLOTS, MAX_IGNORED_ATTRIBUTES } from '../store/keys';
import type { AnsweredErrorRecord, StatusRecorder } from '../store/tenant-status';
import { chainState } from './chain-state';
import { routeTemplate } from './request-context';
import { errorName } from './scim-errors';
import { eventHeader } from './scim-request';
import type { ScimEvent, ScimMiddleware, ScimResult } from './types';

export const SEEN_INTERVAL_MS = 60_000;
/** A status write still pending after this is not waited for: the SCIM answer goes out. */
export const WRITE_BUDGET_MS = 300;
/** Tenants whose write times one container remembers (all are forgotten beyond it). */
const MAX_TENANTS_TRACKED = 10_000;

/** `<attribute> eq "<GUID>"`: a value no directory holds. */
const PROBE_FILTER = /^\s*\S+\s+eq\s+"[\da-f-]{36}"\s*$/i;

const methodOf = (event: ScimEvent): string => (event.requestContext?.http?.method ?? '').toUpperCase();

/** `GET /Users?filter=userName eq "<random guid>"` (or /Groups, or another matching attribute). */
export const isTestConnectionProbe = (event: ScimEvent): boolean =>
  methodOf(event) === 'GET' &&
  /\/(Users|Groups)$/.test(routeTemplate(event.rawPath)) &&
  PROBE_FILTER.test(new URLSearchParams(event.rawQueryString ?? '').get('filter') ?? '');

/** The record of an answered 4xx/5xx: its SCIM error body's scimType and the attribute its detail names. */
export function answeredError(
  event: ScimEvent,
  response: ScimResult,
  at: string,
  resourceSchema: ResourceSchema | undefined,
): AnsweredErrorRecord {
  let body: { scimType?: unknown; detail?: unknown } = {};
  try {
    body = Object(JSON.parse(String(response.body))) as typeof body;
  } catch {
    // Not a SCIM error body: the status alone is recorded.
  }
  const { scimType, detail } = body;
  return {
    at,
    status: response.statusCode ?? 500,
    // "POST /Users/{id}": the route template below the tenant base, never the raw path.
    request: `${methodOf(event)} ${routeTemplate(event.rawPath).slice(TENANT_SCIM_PATH.template.length)}`,
    scimType: typeof scimType === 'string' ? scimType : undefined,
    attribute:
      typeof detail === 'string' && resourceSchema ? attributeAtFault(detail, resourceSchema) : undefined,
  };
}

export interface ConnectionStatusDeps {
  readonly statusRecorder: StatusRecorder;
  /** The schema of the resource the chain serves: the vocabulary of "the attribute at fault". */
  readonly resourceSchema?: ResourceSchema | undefined;
  readonly logger: Logger;
  readonly now?: (() => Date) | undefined;
  readonly seenIntervalMs?: number;
}

interface TenantWrites {
  seenAtMs: number;
  probeAtMs: number;
  nextSlot: number;
  /** Ignored attribute names recorded (or being recorded) for the tenant by this container. */
  readonly ignored: Set<string>;
}

/** The names of `given` not yet recorded, as many as the tenant's set still takes. */
const newIgnoredNames = (given: ReadonlySet<string> | undefined, recorded: ReadonlySet<string>): string[] => {
  const room = MAX_IGNORED_ATTRIBUTES - recorded.size;
  if (given === undefined || room <= 0) return [];
  return [...given].filter((name) => !recorded.has(name)).slice(0, room);
};

export function connectionStatus(deps: ConnectionStatusDeps): ScimMiddleware {
  const now = deps.now ?? (() => new Date());
  const interval = deps.seenIntervalMs ?? SEEN_INTERVAL_MS;
  const tenants = new Map<string, TenantWrites>();

  /** The write, or nothing once WRITE_BUDGET_MS passed (the abandoned call ends on its client's limits). */
  const bounded = async (write: Promise<void>): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([write, new Promise((resolve) => (timer = setTimeout(resolve, WRITE_BUDGET_MS)))]);
    } catch (error) {
      deps.logger.warn('Connection status not recorded', { errorName: errorName(error) });
    } finally {
      clearTimeout(timer);
    }
  };

  const record = async (event: ScimEvent, response: ScimResult | null | undefined): Promise<void> => {
    const { tenantId, answeredAtDeadline, ignoredAttributes } = chainState(event);
    const status = response?.statusCode;
    // A 503 answers a backend fault: the status lives in the same table, and the answer must not wait.
    // A 429 refuses a tenant over its request limit: refusing must cost no write per request.
    if (!tenantId || answeredAtDeadline || !response || !status || status === 503 || status === 429) return;
    const at = now();
    const nowMs = at.getTime();
    if (tenants.size > MAX_TENANTS_TRACKED) tenants.clear();
    // A random first slot, so that two containers seldom overwrite each other's latest errors.
    const writes = tenants.get(tenantId) ?? {
      seenAtMs: -Infinity,
      probeAtMs: -Infinity,
      nextSlot: randomInt(ANSWERED_ERROR_SLOTS),
      ignored: new Set<string>(),
    };
    tenants.set(tenantId, writes);
    const pending: Promise<void>[] = [];
    if (status >= 400) {
      const error = answeredError(event, response, at.toISOString(), deps.resourceSchema);
      pending.push(
        bounded(deps.statusRecorder.recordError(tenantId, writes.nextSlot++ % ANSWERED_ERROR_SLOTS, error)),
      );
    }
    const ignored = newIgnoredNames(ignoredAttributes, writes.ignored);
    if (ignored.length > 0) {
      // Marked before the write, so concurrent requests do not repeat it; forgotten if it fails, so a
      // later request retries.
      for (const name of ignored) writes.ignored.add(name);
      const write = deps.statusRecorder.recordIgnoredAttributes(tenantId, ignored).catch((error: unknown) => {
        for (const name of ignored) writes.ignored.delete(name);
        throw error;
      });
      pending.push(bounded(write));
    }
    const probe = status === 200 && isTestConnectionProbe(event);
    if (nowMs - writes.seenAtMs >= interval || (probe && nowMs - writes.probeAtMs >= interval)) {
      writes.seenAtMs = nowMs;
      if (probe) writes.probeAtMs = nowMs;
      const userAgent = eventHeader(event, 'user-agent') ?? '';
      pending.push(
        bounded(
          deps.statusRecorder.recordSeen(tenantId, {
            at: at.toISOString(),
            userAgent,
            testConnection: probe,
          }),
        ),
      );
    }
    // The writes (three at most) go out together: one round, never two.
    await Promise.all(pending);
  };

  return {
    after: (request) => record(request.event, request.response),
    // scim-errors (inner) has already turned the error into request.response.
    onError: (request) => record(request.event, request.response),
  };
}
