/** Paging limits, and what /ServiceProviderConfig announces from them, so the two cannot disagree. */
import { MAX_PAGE_SIZE } from '../store/repository';
import type { DiscoveryOptions } from './discovery-route';
import type { PageLimits } from './query';

/** Okta and Entra page with count=100; more is allowed up to the store's maximum. */
export const PAGE_LIMITS: PageLimits = { defaultCount: 100, maxCount: MAX_PAGE_SIZE };

export const DISCOVERY_OPTIONS: DiscoveryOptions = {
  maxResults: MAX_PAGE_SIZE,
  defaultPageSize: PAGE_LIMITS.defaultCount,
  maxPageSize: PAGE_LIMITS.maxCount,
  // Cursors name the id a page starts after (lambdas/store/cursor.ts): they hold no server state and do
  // not expire; an hour is what we promise.
  cursorTimeout: 3600,
};
