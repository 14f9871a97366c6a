/**
 * Cursor paging (RFC 9865) when a DynamoDB Query page ends at 1 MB before `count` items: the page is
 * shorter, and it must still say there is more, or a client walking the cursors stops early and never
 * sees the rest of the tenant.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { CORE_USER_URN } from '../../../lambdas/scim/schema/urns';
import { mapLimit } from '../../../lambdas/store/dynamodb-store';
import { MAX_PAGE_SIZE } from '../../../lambdas/store/repository';
import { createTestTable } from './table';
import type { TestTable } from './table';

const TENANT = 'tenant-big-items';
/** About 3 KB per item: a Query of MAX_PAGE_SIZE + 1 items passes 1 MB after about 330. */
const USERS = 600;
const PADDING = 'x'.repeat(3_000);

let table: TestTable;
let ids: string[];

beforeAll(async () => {
  table = await createTestTable();
  const repository = table.repository();
  const created = await mapLimit(
    Array.from({ length: USERS }, (_, index) => index),
    16,
    (index) =>
      repository.createUser(TENANT, {
        schemas: [CORE_USER_URN],
        userName: `big-${index}@example.com`,
        title: PADDING,
      }),
  );
  ids = created.map((user) => user.id).sort();
}, 120_000);
afterAll(() => table.close());

describe('cursor paging over items larger than a 1 MB Query page', () => {
  it('walks every user forwards, each once, in id order', async () => {
    const repository = table.repository();
    const seen: string[] = [];
    let cursor: string | undefined = '';
    let pages = 0;
    let firstPageSize = 0;
    while (cursor !== undefined) {
      const page = await repository.findUsers(TENANT, { cursor, count: MAX_PAGE_SIZE });
      expect(page.totalResults).toBe(USERS);
      seen.push(...page.resources.map((user) => user.id));
      if (pages === 0) firstPageSize = page.resources.length;
      cursor = page.nextCursor;
      pages += 1;
      if (pages > USERS) throw new Error('the cursors do not end');
    }
    // Fewer than MAX_PAGE_SIZE on the first page: the 1 MB limit cut it.
    expect(firstPageSize).toBeLessThan(MAX_PAGE_SIZE);
    expect(seen).toEqual(ids);
  }, 60_000);

  it('walks back from the end to the start', async () => {
    const repository = table.repository();
    const last = await repository.findUsers(TENANT, { cursor: '', count: MAX_PAGE_SIZE });
    let cursor = last.nextCursor;
    let end = last;
    while (cursor !== undefined) {
      end = await repository.findUsers(TENANT, { cursor, count: MAX_PAGE_SIZE });
      cursor = end.nextCursor;
    }
    const seen: string[] = end.resources.map((user) => user.id);
    let previous = end.previousCursor;
    while (previous !== undefined) {
      const page = await repository.findUsers(TENANT, { cursor: previous, count: MAX_PAGE_SIZE });
      seen.unshift(...page.resources.map((user) => user.id));
      previous = page.previousCursor;
    }
    expect(seen).toEqual(ids);
  }, 60_000);
});
