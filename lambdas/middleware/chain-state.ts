/**
 * What the middlewares learn about one request and hand to the route: the authenticated tenant and the
 * parsed body. Kept in a WeakMap keyed by the event (one event per invocation) rather than on Middy's
 * `internal`, which a plugin may share between invocations.
 */
import type { IgnoredAttributes } from '../scim/normalise';
import type { ScimEvent } from './types';

export interface ChainState {
  tenantId?: string;
  /** Set by scim-body: the parsed JSON (null included), undefined when the request has no body. */
  body?: unknown;
  startedAtMs?: number;
  /** Set when the deadline answered for the chain: its late end must not log a second access line. */
  answeredAtDeadline?: boolean;
  /**
   * Names of attributes the request gave that no schema defines, filled by the route (never values);
   * connection-status records the new ones for the tenant's report.
   */
  ignoredAttributes?: IgnoredAttributes;
}

const states = new WeakMap<ScimEvent, ChainState>();

export function chainState(event: ScimEvent): ChainState {
  let state = states.get(event);
  if (!state) {
    state = {};
    states.set(event, state);
  }
  return state;
}
