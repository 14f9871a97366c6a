/**
 * Per-tenant bearer tokens.
 *
 * A token is `scim_` followed by 32 random bytes (256 bits) in base64url: 48 characters in all. The prefix
 * makes a leaked token recognisable to secret scanners and to people. Only its SHA-256 (hex) is stored;
 * the plain token is printed once by the tenant CLI and never again.
 *
 * A tenant's secret document (Secrets Manager secret `${TENANT_SECRET_PREFIX}${tenantId}`, or one JSON
 * file per tenant for the local server) is:
 *   { "tenantId": "acme", "tokens": [{ "id": "tok_...", "sha256": "<64 hex>", "createdAt": "<ISO>",
 *     "expiresAt": "<ISO, optional>" }] }
 * A token without expiresAt never expires; a revoked token is removed from the list.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';

import { matches, maxLength, minLength, rule } from '../scim/zod-checks';

export const TOKEN_PREFIX = 'scim_';
const TOKEN_BYTES = 32;
const TOKEN_ID_PREFIX = 'tok_';

/** The tenant id format, checked before any lookup: 2 to 63 of a-z, 0-9 and '-', not starting with '-'. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;
export const isValidTenantId = (value: string): boolean => TENANT_ID_PATTERN.test(value);

/** RFC 3339 date and time with seconds and a Z or ±hh:mm offset (what z.iso.datetime({ offset: true }) took). */
const ISO_DATE_TIME =
  /^(\d{4})-(\d\d)-(\d\d)T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/** ISO_DATE_TIME on a day that exists: no 30 February, 29 February only in leap years. */
export const isIsoDateTime = (text: string): boolean => {
  const match = ISO_DATE_TIME.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]) - 1, Number(match[3])];
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  return date.getUTCMonth() === month && date.getUTCDate() === day;
};

const isoDateTime = z.string().check(rule(isIsoDateTime, { code: 'invalid_format', format: 'datetime' }));

export const tokenEntrySchema = z.object({
  id: z.string().check(minLength(1), maxLength(64)),
  sha256: z.string().check(matches(/^[0-9a-f]{64}$/, 'sha256 must be 64 lower-case hex digits')),
  createdAt: isoDateTime,
  expiresAt: z.optional(isoDateTime),
});

export const tenantTokenRecordSchema = z.object({
  tenantId: z.string().check(matches(TENANT_ID_PATTERN)),
  tokens: z.array(tokenEntrySchema),
});

export type TokenEntry = z.infer<typeof tokenEntrySchema>;
export type TenantTokenRecord = z.infer<typeof tenantTokenRecordSchema>;

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(TOKEN_BYTES).toString('base64url');
}

export function generateTokenId(): string {
  return TOKEN_ID_PREFIX + randomBytes(9).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function isTokenActive(entry: TokenEntry, now: Date): boolean {
  return entry.expiresAt === undefined || Date.parse(entry.expiresAt) > now.getTime();
}

/**
 * The id of the active token matching `token`, or undefined. Compares SHA-256 digests with
 * timingSafeEqual and visits every entry, so the time taken does not depend on which entry matched.
 */
export function verifyToken(token: string, record: TenantTokenRecord, now: Date): string | undefined {
  const presented = createHash('sha256').update(token, 'utf8').digest();
  let matchedId: string | undefined;
  for (const entry of record.tokens) {
    const stored = Buffer.from(entry.sha256, 'hex');
    const equal = stored.length === presented.length && timingSafeEqual(stored, presented);
    if (equal && isTokenActive(entry, now) && matchedId === undefined) matchedId = entry.id;
  }
  return matchedId;
}

export interface IssuedToken {
  /** The plain token: show it once, never store it. */
  readonly token: string;
  readonly entry: TokenEntry;
}

export function issueToken(now: Date, expiresAt?: Date): IssuedToken {
  const token = generateToken();
  return {
    token,
    entry: {
      id: generateTokenId(),
      sha256: hashToken(token),
      createdAt: now.toISOString(),
      ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}),
    },
  };
}

export function newTenantRecord(tenantId: string, now: Date): { record: TenantTokenRecord; token: string } {
  const issued = issueToken(now);
  return { record: { tenantId, tokens: [issued.entry] }, token: issued.token };
}

/**
 * Adds a new token; every token still active expires after the grace period (or keeps an earlier
 * expiry), so Entra keeps working until the admin has pasted the new token. Expired tokens are dropped.
 */
export function rotateTokens(
  record: TenantTokenRecord,
  now: Date,
  graceHours: number,
): { record: TenantTokenRecord; token: string; tokenId: string } {
  const graceEnd = new Date(now.getTime() + graceHours * 3_600_000);
  const kept = record.tokens
    .filter((entry) => isTokenActive(entry, now))
    .map((entry): TokenEntry => {
      const current = entry.expiresAt === undefined ? Infinity : Date.parse(entry.expiresAt);
      return current <= graceEnd.getTime() ? entry : { ...entry, expiresAt: graceEnd.toISOString() };
    });
  const issued = issueToken(now);
  return {
    record: { tenantId: record.tenantId, tokens: [...kept, issued.entry] },
    token: issued.token,
    tokenId: issued.entry.id,
  };
}

export class UnknownTokenIdError extends Error {
  override readonly name = 'UnknownTokenIdError';
}

/** Removes one token, or all of them ({ all: true }). Removing an unknown id is an error, not a no-op. */
export function revokeTokens(
  record: TenantTokenRecord,
  which: { tokenId: string } | { all: true },
): TenantTokenRecord {
  if ('all' in which) return { tenantId: record.tenantId, tokens: [] };
  if (!record.tokens.some((entry) => entry.id === which.tokenId)) {
    throw new UnknownTokenIdError(`Tenant ${record.tenantId} has no token ${which.tokenId}.`);
  }
  return { tenantId: record.tenantId, tokens: record.tokens.filter((entry) => entry.id !== which.tokenId) };
}
