/**
 * Setup links: `https://<api-host>/setup/<code>`, the one-time way a customer's admin gets the Tenant URL
 * and the Secret Token. The code is 32 random bytes (256 bits) in base64url, 43 characters; only its
 * SHA-256 is stored (lambdas/store/setup-links.ts), so neither the table nor a backup can open a page.
 * A link ends when it expires, when a newer link of the tenant is issued, or on `setup-link --revoke`;
 * its reveal works once.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

import { SETUP_PATH } from '../paths';

const SETUP_CODE_BYTES = 32;
/** Exactly what generateSetupCode makes: anything else is refused before any lookup. */
const SETUP_CODE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const DEFAULT_LINK_EXPIRY_DAYS = 7;
export const MAX_LINK_EXPIRY_DAYS = 90;
/** Reveal attempts one link accepts (a retry after a backend failure, a double click); then it is spent. */
export const MAX_REVEAL_ATTEMPTS_PER_LINK = 5;

export const generateSetupCode = (): string => randomBytes(SETUP_CODE_BYTES).toString('base64url');

export const isWellFormedSetupCode = (value: unknown): value is string =>
  typeof value === 'string' && SETUP_CODE_PATTERN.test(value);

export const hashSetupCode = (code: string): string =>
  createHash('sha256').update(code, 'utf8').digest('hex');

/** Constant-time comparison of two hex digests of equal length. */
export const sameDigest = (a: string, b: string): boolean => {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
};

export const setupLinkUrl = (apiBaseUrl: string, code: string): string =>
  SETUP_PATH.build({ code }, apiBaseUrl);

export interface SetupLink {
  readonly tenantId: string;
  readonly codeSha256: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  /** When the token was revealed (claimed); a link reveals once. */
  readonly revealedAt?: string;
  /** The id of the token the reveal added to the tenant's token record. */
  readonly revealedTokenId?: string;
  readonly revealAttempts: number;
}

export type SetupLinkState = 'open' | 'revealed' | 'expired';

export const setupLinkState = (link: SetupLink, now: Date): SetupLinkState => {
  if (Date.parse(link.expiresAt) <= now.getTime()) return 'expired';
  return link.revealedAt === undefined ? 'open' : 'revealed';
};

/** A new link's record and its code (the code is shown once, to the operator, as a URL). */
export const newSetupLink = (
  tenantId: string,
  now: Date,
  expiresInDays: number = DEFAULT_LINK_EXPIRY_DAYS,
): { link: SetupLink; code: string } => {
  const code = generateSetupCode();
  return {
    code,
    link: {
      tenantId,
      codeSha256: hashSetupCode(code),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + expiresInDays * 86_400_000).toISOString(),
      revealAttempts: 0,
    },
  };
};
