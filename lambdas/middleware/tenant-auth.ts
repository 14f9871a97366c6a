/**
 * Authenticates `Authorization: Bearer <token>` against the tenant named in the path
 * `/tenants/{tenantId}/scim/v2/...`.
 *
 * - The tenant id must match TENANT_ID_PATTERN before anything is looked up. A malformed id answers the
 *   same 401 as an unknown tenant (it cannot name a tenant), and never reaches Secrets Manager.
 * - Missing header, other scheme, unknown tenant, wrong/expired/revoked token: one identical 401 with
 *   `WWW-Authenticate: Bearer realm="SCIM"`, so a caller cannot probe which tenants exist.
 * - The token store failing (down, throttled, timing out, corrupt secret) answers 503 + Retry-After:
 *   a 401 for a transient reason makes Entra quarantine the customer's job.
 * - A tenant id the container has not met, while its budget of such lookups is spent (cached-token-store.ts),
 *   answers 429 + Retry-After: it may be a real tenant, so not a 401; nothing is down, so not a 503.
 * - A path outside /tenants/{tenantId}/scim/v2 is a 404.
 */
import { LookupBudgetExceededError } from '../auth/token-store';
import type { TokenStore } from '../auth/token-store';
import { isValidTenantId, verifyToken } from '../auth/tokens';
import type { TenantTokenRecord } from '../auth/tokens';
import type { Logger } from '../logger';
import { TENANT_SCIM_PATH } from '../paths';
import { ScimError } from '../scim/errors';
import { chainState } from './chain-state';
import { eventHeader } from './scim-request';
import { backendUnavailable, errorName } from './scim-errors';
import type { ScimEvent, ScimMiddleware } from './types';

/** After a failed verification, a cached record older than this is re-read once (see TokenLookupOptions). */
export const REFRESH_ON_FAILURE_MAX_AGE_MS = 5_000;

export function tenantIdFromEvent(event: ScimEvent): string | undefined {
  const fromParameters = event.pathParameters?.tenantId;
  if (fromParameters !== undefined) return fromParameters;
  return TENANT_SCIM_PATH.parse(event.rawPath ?? '')?.parameters.tenantId;
}

/** The bearer token of an Authorization header value; the scheme is case-insensitive (RFC 7235). */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}

export interface TenantAuthDeps {
  readonly tokenStore: TokenStore;
  readonly logger: Logger;
  readonly now?: () => Date;
}

export function tenantAuth(deps: TenantAuthDeps): ScimMiddleware {
  const now = deps.now ?? (() => new Date());

  const lookup = async (tenantId: string, maxAgeMs?: number): Promise<TenantTokenRecord | undefined> => {
    try {
      return await deps.tokenStore.getTenantTokens(
        tenantId,
        maxAgeMs === undefined ? undefined : { maxAgeMs },
      );
    } catch (error) {
      if (error instanceof LookupBudgetExceededError) {
        // A tenant id this container has not met while unknown ids flood it: maybe real, so not a 401.
        deps.logger.warn('Tenant lookup budget spent');
        throw ScimError.tooManyRequests(error.message, error.retryAfterSeconds);
      }
      deps.logger.warn('Token store unavailable', { errorName: errorName(error) });
      throw backendUnavailable();
    }
  };

  return {
    before: async (request) => {
      const event = request.event;
      const tenantId = tenantIdFromEvent(event);
      if (tenantId === undefined) throw ScimError.notFound('No SCIM endpoint at this path.');
      if (!isValidTenantId(tenantId)) throw ScimError.unauthorized();
      deps.logger.appendKeys({ tenantId });

      const token = bearerToken(eventHeader(event, 'authorization'));
      if (token === undefined) throw ScimError.unauthorized();

      let record = await lookup(tenantId);
      let tokenId = record && verifyToken(token, record, now());
      if (tokenId === undefined) {
        const fresher = await lookup(tenantId, REFRESH_ON_FAILURE_MAX_AGE_MS);
        if (fresher !== record) {
          record = fresher;
          tokenId = record && verifyToken(token, record, now());
        }
      }
      if (tokenId === undefined) throw ScimError.unauthorized();

      deps.logger.appendKeys({ tokenId });
      chainState(event).tenantId = tenantId;
    },
  };
}
