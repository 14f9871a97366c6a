/** The ListResponse of RFC 7644 §3.4.2, with the RFC 9865 cursor attributes. */
import type { JsonObject } from './json';
import { LIST_RESPONSE_URN } from './schema/urns';

export interface ListResponsePage {
  /** Matches across all pages (RFC 7644 §3.4.2.4). */
  readonly totalResults: number;
  /** 1-based index of the first result of this page. */
  readonly startIndex: number;
  /** Defaults to the number of resources on this page. */
  readonly itemsPerPage?: number;
  /** RFC 9865 §2.2: the cursor for the next page; absent on the last page. */
  readonly nextCursor?: string;
  /** RFC 9865 §2.2: the cursor for the previous page, when the service provider offers one. */
  readonly previousCursor?: string;
}

export interface ListResponse<R extends JsonObject = JsonObject> {
  readonly schemas: [typeof LIST_RESPONSE_URN];
  readonly totalResults: number;
  readonly startIndex: number;
  readonly itemsPerPage: number;
  readonly nextCursor?: string;
  readonly previousCursor?: string;
  /** Always present, even when empty: Entra's Test Connection expects `"Resources": []`. */
  readonly Resources: R[];
}

export function listResponse<R extends JsonObject>(
  resources: readonly R[],
  page: ListResponsePage,
): ListResponse<R> {
  return {
    schemas: [LIST_RESPONSE_URN],
    totalResults: page.totalResults,
    startIndex: page.startIndex,
    itemsPerPage: page.itemsPerPage ?? resources.length,
    ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}),
    ...(page.previousCursor !== undefined ? { previousCursor: page.previousCursor } : {}),
    Resources: [...resources],
  };
}
