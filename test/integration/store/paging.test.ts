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
  it('pages by startIndex/count in a stable order with a correct totalResults, while users come and go', async () => {
    const churn = await createUsers('churn', 10);
    const seen: string[] = [];
    let startIndex = 1;
    let first = true;
    for (;;) {
      const page = await repository.findUsers(TENANT, { startIndex, count: 10 });
      if (first) expect(page.totalResults).toBe(105);
      first = false;
      seen.push(...page.resources.map((resource) => resource.id));
      // Churn between pages: delete one churn user, add one new user.
      const victim = churn.pop();
      if (victim !== undefined) await repository.deleteUser(TENANT, victim);
      await createUsers(`late-${startIndex}`, 1);
      if (page.resources.length < 10) break;
      startIndex += page.resources.length;
    }
    // Every user that existed throughout appears exactly once.
    const stableSeen = seen.filter((id) => stable.includes(id));
    expect(new Set(stableSeen).size).toBe(stableSeen.length);
    expect([...stableSeen].sort()).toEqual([...stable].sort());
    expect([...seen]).toEqual([...seen].sort());
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
    expect([(invalid as ScimError).status, (invalid as ScimError).scimType]).toEqual([400, 'invalidValue']);
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
