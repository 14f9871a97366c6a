import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ScimError } from '../../../lambdas/scim/errors';
import { parseFilter } from '../../../lambdas/scim/filter/parser';
import type { JsonObject } from '../../../lambdas/scim/json';
import type { ScimResource } from '../../../lambdas/scim/resource';
import { CORE_USER_URN } from '../../../lambdas/scim/schema/urns';
import type { DynamoDbScimRepository } from '../../../lambdas/store/dynamodb-repository';
import { createTestTable } from './table';
import type { TestTable } from './table';

const TENANT = 'tenant-a';
const OTHER = 'tenant-b';

const user = (userName: string, extra: JsonObject = {}): JsonObject => ({
  schemas: [CORE_USER_URN],
  userName,
  active: true,
  ...extra,
});

const scimErrorOf = async (promise: Promise<unknown>): Promise<ScimError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
};

let table: TestTable;
let repository: DynamoDbScimRepository;

beforeAll(async () => {
  table = await createTestTable();
  repository = table.repository();
});
afterAll(() => table.close());

describe('users on DynamoDB Local', () => {
  it('creates, reads, replaces and deletes a user with versions as weak ETags', async () => {
    const created = await repository.createUser(TENANT, user('crud@example.com', { externalId: 'ext-crud' }));
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.meta).toMatchObject({ resourceType: 'User', version: 'W/"1"' });

    const read = await repository.getUser(TENANT, created.id);
    expect(read).toEqual(created);

    const replaced = await repository.replaceUser(TENANT, created.id, user('renamed@example.com'), {
      ifMatch: 'W/"1"',
    });
    expect(replaced.userName).toBe('renamed@example.com');
    expect(replaced.externalId).toBeUndefined();
    expect(replaced.meta).toMatchObject({ version: 'W/"2"', created: (created.meta as JsonObject).created });

    // The old userName is free again, the new one is taken (rename moved the lookup atomically).
    const reuse = await repository.createUser(TENANT, user('CRUD@example.com'));
    expect(reuse.userName).toBe('CRUD@example.com');
    const clash = await scimErrorOf(repository.createUser(TENANT, user('RENAMED@EXAMPLE.COM')));
    expect([clash.status, clash.scimType]).toEqual([409, 'uniqueness']);

    await repository.deleteUser(TENANT, created.id);
    expect(await repository.getUser(TENANT, created.id)).toBeUndefined();
    const again = await scimErrorOf(repository.deleteUser(TENANT, created.id));
    expect(again.status).toBe(404);
    // Deleting released the lookups.
    await expect(repository.createUser(TENANT, user('renamed@example.com'))).resolves.toMatchObject({
      userName: 'renamed@example.com',
    });
  });

  it('answers 412 when If-Match names another version, and writes nothing', async () => {
    const created = await repository.createUser(TENANT, user('etag@example.com'));
    const error = await scimErrorOf(
      repository.updateUser(
        TENANT,
        created.id,
        (current) => ({ resource: { ...current, title: 'x' }, changed: true }),
        {
          ifMatch: 'W/"7"',
        },
      ),
    );
    expect(error.status).toBe(412);
    expect((await repository.getUser(TENANT, created.id))?.title).toBeUndefined();
  });

  it('gives exactly one 201 and one 409 uniqueness to two concurrent POSTs with one userName', async () => {
    for (let round = 0; round < 5; round += 1) {
      const name = `race-${round}@example.com`;
      const results = await Promise.allSettled([
        repository.createUser(TENANT, user(name)),
        repository.createUser(TENANT, user(name.toUpperCase())),
      ]);
      const fulfilled = results.filter((result) => result.status === 'fulfilled');
      const rejected = results.flatMap((result) =>
        result.status === 'rejected' ? [result.reason as unknown] : [],
      );
      expect(fulfilled).toHaveLength(1);
      expect(rejected).toHaveLength(1);
      expect(rejected[0]).toBeInstanceOf(ScimError);
      expect([(rejected[0] as ScimError).status, (rejected[0] as ScimError).scimType]).toEqual([
        409,
        'uniqueness',
      ]);
    }
  });

  it('loses no update among 20 concurrent PATCHes of one user', async () => {
    const created = await repository.createUser(TENANT, user('busy@example.com'));
    const patches = Array.from({ length: 20 }, (_, index) =>
      repository.updateUser(
        TENANT,
        created.id,
        (current) => ({
          resource: {
            ...current,
            phoneNumbers: [
              ...(Array.isArray(current.phoneNumbers) ? current.phoneNumbers : []),
              { value: `+1-555-${index}`, type: 'work' },
            ],
          },
          changed: true,
        }),
        { maxAttempts: 40 },
      ),
    );
    await Promise.all(patches);
    const final = await repository.getUser(TENANT, created.id);
    const values = (final?.phoneNumbers as JsonObject[]).map((phone) => phone.value).sort();
    expect(values).toEqual(Array.from({ length: 20 }, (_, index) => `+1-555-${index}`).sort());
    expect(final?.meta).toMatchObject({ version: 'W/"21"' });
  });

  it('finds by userName (any case), externalId, id and work email through lookups', async () => {
    const alice = await repository.createUser(
      TENANT,
      user('Alice@Example.com', {
        externalId: 'obj-alice',
        emails: [{ value: 'Alice.Work@Example.com', type: 'work', primary: true }],
      }),
    );
    const find = async (filter: string): Promise<string[]> =>
      (await repository.findUsers(TENANT, { filter: parseFilter(filter) })).resources.map(
        (resource) => resource.id,
      );
    await expect(find('userName eq "alice@example.COM"')).resolves.toEqual([alice.id]);
    await expect(find('externalId eq "obj-alice"')).resolves.toEqual([alice.id]);
    await expect(find('externalId eq "OBJ-ALICE"')).resolves.toEqual([]);
    await expect(find(`id eq "${alice.id}"`)).resolves.toEqual([alice.id]);
    await expect(find('emails[type eq "work"].value eq "alice.work@example.com"')).resolves.toEqual([
      alice.id,
    ]);
    await expect(find('emails[type eq "home"].value eq "alice.work@example.com"')).resolves.toEqual([]);
    await expect(find('userName eq "alice@example.com" and active eq false')).resolves.toEqual([]);
    const none = await repository.findUsers(TENANT, { filter: parseFilter('userName eq "nobody-guid"') });
    expect(none).toEqual({ resources: [], totalResults: 0, startIndex: 1 });
  });

  it('keeps tenants apart: ids, lookups and listings of tenant B are invisible from tenant A', async () => {
    const bob = await repository.createUser(OTHER, user('bob@example.com', { externalId: 'obj-bob' }));
    expect(await repository.getUser(TENANT, bob.id)).toBeUndefined();
    expect(
      (await repository.findUsers(TENANT, { filter: parseFilter('userName eq "bob@example.com"') }))
        .totalResults,
    ).toBe(0);
    expect(
      (await repository.findUsers(TENANT, { filter: parseFilter('externalId eq "obj-bob"') })).totalResults,
    ).toBe(0);
    const error = await scimErrorOf(repository.deleteUser(TENANT, bob.id));
    expect(error.status).toBe(404);
    // The same userName is free in tenant A.
    await expect(repository.createUser(TENANT, user('bob@example.com'))).resolves.toBeDefined();
    const listedB = await repository.findUsers(OTHER, {});
    expect(listedB.resources.map((resource: ScimResource) => resource.id)).toEqual([bob.id]);
    expect(listedB.totalResults).toBe(1);
  });
});
