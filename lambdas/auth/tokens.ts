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

import type { Issue } from '../scim/issues';
import { codePoints, expectedPattern, expectedType, tooBig, tooSmall } from '../scim/issues';
import { isJsonObject } from '../scim/json';

export const TOKEN_PREFIX = 'scim_';
const TOKEN_BYTES = 32;
const TOKEN_ID_PREFIX = 'tok_';

/** The tenant id format, checked before any lookup: 2 to 63 of a-z, 0-9 and '-', not starting with '-'. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;
export const isValidTenantId = (value: string): boolean => TENANT_ID_PATTERN.test(value);

/** RFC 3339 date and time with seconds and a Z or ±hh:mm offset. */
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

export interface TokenEntry {
  id: string;
  /** SHA-256 of the token, 64 lower-case hex digits. */
  sha256: string;
  createdAt: string;
  /** None: the token never expires. */
  expiresAt?: string;
}

export interface TenantTokenRecord {
  tenantId: string;
  tokens: TokenEntry[];
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const MAX_TOKEN_ID_LENGTH = 64;

/** Reads `key` of `object` as a string, or adds an issue at `path` and returns undefined. */
const stringAt = (object: Record<string, unknown>, key: string, path: Issue['path'], issues: Issue[]) => {
  const value = object[key];
  if (typeof value === 'string') return value;
  issues.push({ path: [...path, key], message: expectedType('string', value) });
  return undefined;
};

const readTokenEntry = (input: unknown, path: Issue['path'], issues: Issue[]): TokenEntry | undefined => {
  if (!isJsonObject(input)) {
    issues.push({ path, message: expectedType('object', input) });
    return undefined;
  }
  const from = issues.length;
  const id = stringAt(input, 'id', path, issues);
  if (id !== undefined && codePoints(id) < 1)
    issues.push({ path: [...path, 'id'], message: tooSmall('string', 1) });
  if (id !== undefined && codePoints(id) > MAX_TOKEN_ID_LENGTH)
    issues.push({ path: [...path, 'id'], message: tooBig('string', MAX_TOKEN_ID_LENGTH) });
  const sha256 = stringAt(input, 'sha256', path, issues);
  if (sha256 !== undefined && !SHA256_HEX.test(sha256))
    issues.push({ path: [...path, 'sha256'], message: 'sha256 must be 64 lower-case hex digits' });
  const dateTimeAt = (key: string): string | undefined => {
    const text = stringAt(input, key, path, issues);
    if (text !== undefined && !isIsoDateTime(text))
      issues.push({ path: [...path, key], message: 'Invalid ISO datetime' });
    return text;
  };
  const createdAt = dateTimeAt('createdAt');
  const expiresAt = input.expiresAt === undefined ? undefined : dateTimeAt('expiresAt');
  if (issues.length > from || id === undefined || sha256 === undefined || createdAt === undefined)
    return undefined;
  return { id, sha256, createdAt, ...(expiresAt === undefined ? {} : { expiresAt }) };
};

/**
 * A tenant's secret document (see the module comment) with its known keys only, or the issues found, in
 * document order; messages never hold the values.
 */
export function readTenantTokenRecord(
  input: unknown,
): { readonly record: TenantTokenRecord } | { readonly issues: readonly Issue[] } {
  const issues: Issue[] = [];
  if (!isJsonObject(input)) return { issues: [{ path: [], message: expectedType('object', input) }] };
  const tenantId = stringAt(input, 'tenantId', [], issues);
  if (tenantId !== undefined && !TENANT_ID_PATTERN.test(tenantId))
    issues.push({ path: ['tenantId'], message: expectedPattern(TENANT_ID_PATTERN) });
  const tokens: TokenEntry[] = [];
  if (!Array.isArray(input.tokens)) {
    issues.push({ path: ['tokens'], message: expectedType('array', input.tokens) });
  } else {
    input.tokens.forEach((element: unknown, index) => {
      const entry = readTokenEntry(element, ['tokens', index], issues);
      if (entry) tokens.push(entry);
    });
  }
  if (issues.length > 0 || tenantId === undefined) return { issues };
  return { record: { tenantId, tokens } };
}

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
