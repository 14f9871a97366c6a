import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ScimError } from '../../../lambdas/scim/errors';
import { parseFilter } from '../../../lambdas/scim/filter/parser';
import { CORE_USER_URN } from '../../../lambdas/scim/schema/urns';
import type { DynamoDbScimRepository } from '../../../lambdas/store/dynamodb-repository';
import { createTestTable } from './table';
import type { TestTable } from './table';

const TENANT = 'tenant-paging';

let table: TestTable;
let repository: DynamoDbScimRepository;
let stable: string[];

const createUsers = async (prefix: string, count: number): Promise<string[]> =>
  (
    await Promise.all(
      Array.from({ length: count }, (_, index) =>
        repository.createUser(TENANT, {
          schemas: [CORE_USER_URN],
          userName: `${prefix}-${index}@example.com`,
          title: index % 2 === 0 ? 'even' : 'odd',
        }),
      ),
    )
  ).map((user) => user.id);

beforeAll(async () => {
  table = await createTestTable();
  repository = table.repository();
  stable = await createUsers('stable', 95);
});
afterAll(() => table.close());

describe('listing and pagination on DynamoDB Local', () => {
  it('every startIndex page is the slice of the current data, even after a delete or insert between pages', async () => {
    const tenant = 'tenant-paging-fresh';
    const make = async (name: string): Promise<string> =>
      (await repository.createUser(tenant, { schemas: [CORE_USER_URN], userName: `${name}@example.com` })).id;
    await Promise.all(Array.from({ length: 8 }, (_, index) => make(`fresh-${index}`)));
    const currentIds = async (): Promise<string[]> =>
      (await repository.findUsers(tenant, { cursor: '', count: 100 })).resources.map(({ id }) => id);
    const page = async (startIndex: number, count: number) => {
      const result = await repository.findUsers(tenant, { startIndex, count });
      return { ids: result.resources.map(({ id }) => id), total: result.totalResults };
    };
    const expectFresh = async (startIndex: number, count: number): Promise<void> => {
      const ids = await currentIds();
      expect(await page(startIndex, count)).toEqual({
        ids: ids.slice(startIndex - 1, startIndex - 1 + count),
        total: ids.length,
      });
    };

    // A full run leaves page-end markers for startIndex 4 and 7.
    await expectFresh(1, 3);
    await expectFresh(4, 3);
    await expectFresh(7, 3);
    // A delete before position 4: the page at 4 is now what was at 5-7.
    const [, second] = await currentIds();
    await repository.deleteUser(tenant, second ?? '');
    await expectFresh(4, 3);
    await expectFresh(7, 3);
    // An insert (ids sort anywhere): again what a fresh computation returns.
    await make('fresh-late');
    await make('fresh-later');
    await expectFresh(4, 3);
    await expectFresh(7, 3);
  });

  it('pages by startIndex/count in a stable order with a correct totalResults', async () => {
    const seen: string[] = [];
    let startIndex = 1;
    for (;;) {
      const page = await repository.findUsers(TENANT, { startIndex, count: 10 });
      expect(page.totalResults).toBe(95);
      seen.push(...page.resources.map((resource) => resource.id));
      if (page.resources.length < 10) break;
      startIndex += page.resources.length;
    }
    expect(seen).toEqual([...stable].sort());
  });

  it('pages with RFC 9865 cursors forwards and backwards', async () => {
    const firstPage = await repository.findUsers(TENANT, { cursor: '', count: 20 });
    expect(firstPage.previousCursor).toBeUndefined();
    expect(firstPage.nextCursor).toBeDefined();
    const secondPage = await repository.findUsers(TENANT, { cursor: firstPage.nextCursor, count: 20 });
    expect(secondPage.resources[0]?.id > (firstPage.resources.at(-1)?.id ?? '')).toBe(true);
    const back = await repository.findUsers(TENANT, { cursor: secondPage.previousCursor, count: 20 });
    expect(back.resources.map((resource) => resource.id)).toEqual(
      firstPage.resources.map((resource) => resource.id),
    );
    const invalid = await repository
      .findUsers(TENANT, { cursor: 'bad!', count: 20 })
      .catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(ScimError);
    expect([(invalid as ScimError).status, (invalid as ScimError).scimType]).toEqual([400, 'invalidCursor']);
  });

  it('evaluates other filters over the tenant up to a bound, then answers 400 tooMany', async () => {
    const result = await repository.findUsers(TENANT, { filter: parseFilter('title eq "odd"'), count: 5 });
    expect(result.resources).toHaveLength(5);
    expect(result.resources.every((resource) => resource.title === 'odd')).toBe(true);
    expect(result.totalResults).toBeGreaterThanOrEqual(47);
    const bounded = table.repository({ maxFilterScanItems: 50 });
    const error = await bounded
      .findUsers(TENANT, { filter: parseFilter('title eq "odd"') })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ScimError);
    expect([(error as ScimError).status, (error as ScimError).scimType]).toEqual([400, 'tooMany']);
  });
});
