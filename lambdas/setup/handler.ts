/**
 * The setup Lambda (and the local server's /setup): the page a tenant's admin opens from a setup link.
 *
 *   GET  /setup/{code}   the page; an unknown, expired or ended code gets one identical 404 page
 *   POST /setup/reveal   {"code"}: mints a token, adds it to the tenant's token record, answers it once
 *   POST /setup/status   {"code"}: the connection status panel (lambdas/setup/status.ts)
 *
 * The link is a bearer secret in a URL, so every answer is `no-store` and `no-referrer`, the CSP allows
 * only this response's nonce'd script and style and same-origin requests, framing is refused, and the
 * POSTs check Origin, take the code in the body (JSON, so a cross-site form cannot send one) and are
 * limited per link (MAX_REVEAL_ATTEMPTS_PER_LINK) and per source address (per container). Codes and
 * tokens are never logged: the log carries the route template, the tenant id and the outcome.
 */
import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

import type { WritableTokenStore } from '../auth/token-store';
import { issueToken } from '../auth/tokens';
import type { Logger } from '../logger';
import { SETUP_ACTIONS, SETUP_PATH, type SetupAction, TENANT_SCIM_PATH } from '../paths';
import { buildProfileReport } from '../scim/profile';
import type { DynamoDbSetupLinks } from '../store/setup-links';
import type { TenantActivity } from '../store/tenant-status-reader';
import {
  MAX_REVEAL_ATTEMPTS_PER_LINK,
  hashSetupCode,
  isWellFormedSetupCode,
  sameDigest,
  setupLinkState,
} from './links';
import type { SetupLink } from './links';
import { renderInvalidLinkPage, renderSetupPage } from './page';
import { buildStatusView } from './status';

export type SetupEvent = APIGatewayProxyEventV2;
export type SetupResult = APIGatewayProxyStructuredResultV2;

export interface SetupHandlerDeps {
  readonly links: Pick<DynamoDbSetupLinks, 'find' | 'countRevealAttempt' | 'claimReveal' | 'releaseReveal'>;
  /** The tenant's token record, to which the revealed token is added (compare-and-set). */
  readonly tokens: Pick<WritableTokenStore, 'updateTenantTokens'>;
  readonly tenants: { getTenant(tenantId: string): Promise<{ readonly displayName?: string } | undefined> };
  readonly activity: { read(tenantId: string): Promise<TenantActivity> };
  readonly logger: Logger;
  /** The status panel's refresh interval (default 30 s). */
  readonly refreshSeconds?: number;
  /** Reveal attempts per source address per window, per container (default 10 per 10 minutes). */
  readonly sourceLimit?: { readonly attempts: number; readonly windowMs: number };
  readonly now?: () => Date;
}

/** The largest POST body read: {"code":"<43 characters>"} with room to spare. */
const MAX_POST_BYTES = 1024;
const MAX_SOURCES_TRACKED = 10_000;

const securityHeaders = (nonce: string, contentType: string): Record<string, string> => ({
  'Content-Type': contentType,
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy':
    `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; ` +
    `img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
});

const html = (statusCode: number, body: string, nonce: string): SetupResult => ({
  statusCode,
  headers: securityHeaders(nonce, 'text/html; charset=utf-8'),
  body,
});

const json = (statusCode: number, body: unknown, extra: Record<string, string> = {}): SetupResult => ({
  statusCode,
  headers: { ...securityHeaders('none', 'application/json'), ...extra },
  body: JSON.stringify(body),
});

const refusal = (statusCode: number, error: string, message: string, extra?: Record<string, string>) =>
  json(statusCode, { error, message }, extra);

const INVALID_MESSAGE = 'This link is no longer valid. Ask your contact for a new setup link.';

const header = (event: SetupEvent, name: string): string | undefined => {
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
};

/** The page's own origin, as the browser names it in Origin. */
const ownOrigin = (event: SetupEvent): string | undefined => {
  const host = header(event, 'host') ?? event.requestContext?.domainName;
  if (host === undefined || host === '') return undefined;
  return `${header(event, 'x-forwarded-proto') ?? 'https'}://${host}`;
};

/** The code of a POST body, or undefined for anything that is not `{"code": "<well-formed>"}`. */
const codeOfBody = (event: SetupEvent): { code?: string; problem?: string } => {
  const contentType = header(event, 'content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) return { problem: 'The request must be JSON.' };
  const raw = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  if (Buffer.byteLength(raw, 'utf8') > MAX_POST_BYTES) return { problem: 'The request is too large.' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { problem: 'The request is not valid JSON.' };
  }
  const code =
    typeof parsed === 'object' && parsed !== null ? (parsed as { code?: unknown }).code : undefined;
  return isWellFormedSetupCode(code) ? { code } : {};
};

/** A fixed-window counter per source address, bounded in size (per container). */
const sourceLimiter = (attempts: number, windowMs: number) => {
  const windows = new Map<string, { start: number; count: number }>();
  return (source: string, nowMs: number): boolean => {
    const current = windows.get(source);
    if (current === undefined || nowMs - current.start >= windowMs) {
      if (windows.size >= MAX_SOURCES_TRACKED) windows.delete(windows.keys().next().value ?? '');
      windows.set(source, { start: nowMs, count: 1 });
      return true;
    }
    current.count += 1;
    return current.count <= attempts;
  };
};

export function createSetupHandler(deps: SetupHandlerDeps): (event: SetupEvent) => Promise<SetupResult> {
  const now = deps.now ?? (() => new Date());
  const refreshSeconds = deps.refreshSeconds ?? 30;
  const limit = deps.sourceLimit ?? { attempts: 10, windowMs: 600_000 };
  const allowSource = sourceLimiter(limit.attempts, limit.windowMs);

  /** The link of a well-formed code, when it is still open or revealed (not expired or ended). */
  const liveLink = async (code: string, at: Date): Promise<SetupLink | undefined> => {
    const hash = hashSetupCode(code);
    const link = await deps.links.find(hash);
    if (link === undefined || !sameDigest(link.codeSha256, hash)) return undefined;
    return setupLinkState(link, at) === 'expired' ? undefined : link;
  };

  const page = async (event: SetupEvent, code: string, nonce: string): Promise<SetupResult> => {
    const at = now();
    const link = isWellFormedSetupCode(code) ? await liveLink(code, at) : undefined;
    if (link === undefined) return html(404, renderInvalidLinkPage(nonce), nonce);
    deps.logger.appendKeys({ tenantId: link.tenantId });
    const tenant = await deps.tenants.getTenant(link.tenantId);
    return html(
      200,
      renderSetupPage({
        companyName: tenant?.displayName ?? link.tenantId,
        tenantId: link.tenantId,
        tenantUrl: TENANT_SCIM_PATH.build({ tenantId: link.tenantId }, ownOrigin(event) ?? ''),
        ...(link.revealedAt !== undefined ? { revealedAt: link.revealedAt } : {}),
        expiresAt: link.expiresAt,
        refreshSeconds,
        nonce,
      }),
      nonce,
    );
  };

  const reveal = async (code: string): Promise<SetupResult> => {
    const at = now();
    const link = await liveLink(code, at);
    if (link === undefined) return refusal(404, 'invalid', INVALID_MESSAGE);
    deps.logger.appendKeys({ tenantId: link.tenantId });
    const refusedRevealed = (revealedAt: string | undefined) =>
      refusal(
        409,
        'revealed',
        `The Secret Token of this link was revealed on ${revealedAt ?? 'an earlier visit'}; ask for a new link.`,
      );
    if (link.revealedAt !== undefined) return refusedRevealed(link.revealedAt);
    const counted = await deps.links.countRevealAttempt(link.codeSha256, at, MAX_REVEAL_ATTEMPTS_PER_LINK);
    if (counted === undefined) {
      return refusal(429, 'attempts', 'This link has been tried too often; ask for a new link.');
    }
    const issued = issueToken(at);
    if (!(await deps.links.claimReveal(link.codeSha256, issued.entry.id, at))) {
      return refusedRevealed((await deps.links.find(link.codeSha256))?.revealedAt);
    }
    try {
      await deps.tokens.updateTenantTokens(link.tenantId, (record) => ({
        ...record,
        tokens: [...record.tokens, issued.entry],
      }));
    } catch (error) {
      // Give the link back, so that a retry of this reveal can complete it.
      await deps.links.releaseReveal(link.codeSha256, issued.entry.id).catch(() => undefined);
      deps.logger.warn('Reveal failed', { errorName: error instanceof Error ? error.name : 'unknown' });
      return refusal(503, 'unavailable', 'The token could not be created just now; please try again.', {
        'Retry-After': '5',
      });
    }
    deps.logger.info('Token revealed', { tokenId: issued.entry.id });
    return json(200, { token: issued.token, tokenId: issued.entry.id, revealedAt: at.toISOString() });
  };

  const status = async (code: string): Promise<SetupResult> => {
    const at = now();
    const link = await liveLink(code, at);
    if (link === undefined) return refusal(404, 'invalid', INVALID_MESSAGE);
    deps.logger.appendKeys({ tenantId: link.tenantId });
    const activity = await deps.activity.read(link.tenantId);
    return json(
      200,
      buildStatusView(
        {
          recorded: activity.recorded,
          errors: activity.errors,
          report: buildProfileReport(activity.users),
          groups: activity.groups,
          ...(activity.lastChangeAt !== undefined ? { lastChangeAt: activity.lastChangeAt } : {}),
        },
        at,
      ),
    );
  };

  const post = async (event: SetupEvent, action: SetupAction): Promise<SetupResult> => {
    const origin = header(event, 'origin');
    if (origin === undefined || origin !== ownOrigin(event)) {
      return refusal(403, 'origin', 'This request must come from the setup page itself.');
    }
    if (action === 'reveal' && !allowSource(event.requestContext?.http?.sourceIp ?? 'unknown', Date.now())) {
      return refusal(429, 'rate', 'Too many attempts from your network; wait a few minutes.', {
        'Retry-After': String(Math.ceil(limit.windowMs / 1000)),
      });
    }
    const { code, problem } = codeOfBody(event);
    if (problem !== undefined) return refusal(400, 'request', problem);
    if (code === undefined) return refusal(404, 'invalid', INVALID_MESSAGE);
    return action === 'reveal' ? reveal(code) : status(code);
  };

  return async (event) => {
    const nonce = randomBytes(16).toString('base64');
    const startedAt = Date.now();
    deps.logger.resetKeys();
    const method = (event.requestContext?.http?.method ?? 'GET').toUpperCase();
    const match = SETUP_PATH.parse(event.rawPath ?? '');
    const segment = match?.parameters.code ?? '';
    const action = SETUP_ACTIONS.find((candidate) => candidate === segment);
    deps.logger.appendKeys({
      requestId: event.requestContext?.requestId ?? 'unknown',
      method,
      route: action === undefined ? '/setup/{code}' : `/setup/${action}`,
    });
    let result: SetupResult;
    try {
      if (match === undefined || match.rest !== '') {
        result = html(404, renderInvalidLinkPage(nonce), nonce);
      } else if (action !== undefined) {
        result =
          method === 'POST'
            ? await post(event, action)
            : refusal(405, 'method', 'Use POST.', { Allow: 'POST' });
      } else if (method === 'GET' || method === 'HEAD') {
        result = await page(event, segment, nonce);
      } else {
        result = refusal(405, 'method', 'Use GET.', { Allow: 'GET' });
      }
    } catch (error) {
      deps.logger.warn('Setup backend unavailable', {
        errorName: error instanceof Error ? error.name : 'unknown',
      });
      result = refusal(503, 'unavailable', 'This page is not available just now; please try again.', {
        'Retry-After': '5',
      });
    }
    deps.logger.info('request completed', { status: result.statusCode, durationMs: Date.now() - startedAt });
    return result;
  };
}
