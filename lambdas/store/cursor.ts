/**
 * RFC 9865 cursors: opaque to clients, here the id a page starts after (`nextCursor`) or ends before
 * (`previousCursor`), base64url-encoded. Resources are ordered by id, so a cursor stays valid while other
 * resources are added or deleted, and it holds no tenant: keys are always built with the caller's tenant.
 */
import { ScimError } from '../scim/errors';
import { isResourceId } from './keys';

export type Cursor = { readonly after: string } | { readonly before: string };

export const encodeCursor = (cursor: Cursor): string =>
  Buffer.from('after' in cursor ? `a:${cursor.after}` : `b:${cursor.before}`, 'utf8').toString('base64url');

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** undefined for '' (the first page). Anything unreadable -> 400 invalidCursor (RFC 9865). */
export const decodeCursor = (text: string): Cursor | undefined => {
  if (text === '') return undefined;
  const invalid = ScimError.invalidCursor(
    'The cursor is not one this server issued; start again with an empty cursor, then use nextCursor.',
  );
  if (!BASE64URL.test(text) || text.length > 200) throw invalid;
  const decoded = Buffer.from(text, 'base64url').toString('utf8');
  const id = decoded.slice(2);
  if (!isResourceId(id)) throw invalid;
  if (decoded.startsWith('a:')) return { after: id };
  if (decoded.startsWith('b:')) return { before: id };
  throw invalid;
};
