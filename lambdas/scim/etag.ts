/**
 * Entity-tag lists (RFC 7232 §2.3.2, §3.1, §3.2), as SCIM uses them (RFC 7644 §3.14): versions are weak
 * ETags, so the weak comparison applies (`W/"3"` and `"3"` match). One reading serves If-Match (the
 * store's conditional writes) and If-None-Match (conditional GET).
 */
const opaqueTag = (tag: string): string => tag.trim().replace(/^W\//i, '');

/** True when the comma-separated entity-tag list `header` holds `*` or a tag weakly equal to `version`. */
export function entityTagListMatches(header: string, version: string | undefined): boolean {
  const current = version === undefined ? undefined : opaqueTag(version);
  return header
    .split(',')
    .map((tag) => tag.trim())
    .some((tag) => tag === '*' || (current !== undefined && tag !== '' && opaqueTag(tag) === current));
}
