import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ScimError } from '../../../lambdas/scim/errors';
import { parseFilter } from '../../../lambdas/scim/filter/parser';
import type { JsonObject } from '../../../lambdas/scim/json';
import type { ScimResource } from '../../../lambdas/scim/resource';
import { CORE_USER_URN } from '../../../lambdas/scim/schema/urns';
import type { DynamoDbScimRepository } from '../../../lambdas/store/dynamodb-repository';
import { scimErrorOf } from '../../unit/scim-errors';
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

  it.each([
    ['userName', 'userName'],
    ['externalId', 'externalId'],
    ['emails.value', 'email'],
    ['emails[type eq "work"].value', 'email'],
  ])(
    'says what is wrong with a filter whose %s is longer than any stored one can be',
    async (path, named) => {
      const error = await scimErrorOf(
        repository.findUsers(TENANT, { filter: parseFilter(`${path} eq "${'a'.repeat(2_100)}"`) }),
      );
      expect([error.status, error.scimType]).toEqual([400, 'invalidFilter']);
      expect(error.detail).toContain(`longer than any stored ${named}`);
      expect(error.detail).not.toContain('too long to be stored');
    },
  );

  it('lets users share an externalId (not unique): all created, all found by one lookup, never a scan', async () => {
    const tenant = 'tenant-shared-ext';
    const shared = '22fbc523-6032-4c5f-939d-5d4850cf3e52';
    // As Microsoft's reference collection does: many users posted with one externalId, concurrently.
    const created = await Promise.all(
      Array.from({ length: 13 }, (_, index) =>
        repository.createUser(tenant, user(`shared-${index}@example.com`, { externalId: shared })),
      ),
    );
    await repository.createUser(tenant, user('case@example.com', { externalId: shared.toUpperCase() }));
    await Promise.all(
      Array.from({ length: 5 }, (_, index) =>
        repository.createUser(tenant, user(`other-${index}@example.com`)),
      ),
    );
    // 19 users in the tenant but a bound of 13: a scan would answer 400 tooMany, the lookup does not.
    const bounded = table.repository({ maxFilterScanItems: 13 });
    const found = await bounded.findUsers(tenant, { filter: parseFilter(`externalId eq "${shared}"`) });
    expect(found.totalResults).toBe(13);
    expect(found.resources.map((resource) => resource.id)).toEqual(created.map((u) => u.id).sort());
    const scan = await scimErrorOf(bounded.findUsers(tenant, { filter: parseFilter('title pr') }));
    expect([scan.status, scan.scimType]).toEqual([400, 'tooMany']);
    // Case-exact: the upper-case variant is another value.
    const upper = await bounded.findUsers(tenant, {
      filter: parseFilter(`externalId eq "${shared.toUpperCase()}"`),
    });
    expect(upper.resources.map((resource) => resource.userName)).toEqual(['case@example.com']);
    // userName stays unique even when the externalId is shared.
    const clash = await scimErrorOf(
      repository.createUser(tenant, user('SHARED-0@example.com', { externalId: shared })),
    );
    expect([clash.status, clash.scimType]).toEqual([409, 'uniqueness']);
  });

  it('moves the externalId lookup on PUT and PATCH, and removes it on delete', async () => {
    const tenant = 'tenant-ext-moves';
    const lookupItems = async (externalId: string): Promise<unknown[]> =>
      (
        await table.documentClient.send(
          new QueryCommand({
            TableName: table.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `T#${tenant}#USER#EXTERNALID#${externalId}` },
            ConsistentRead: true,
          }),
        )
      ).Items?.map((item): unknown => item.sk) ?? [];
    const findIds = async (externalId: string): Promise<string[]> =>
      (
        await repository.findUsers(tenant, { filter: parseFilter(`externalId eq "${externalId}"`) })
      ).resources.map((resource) => resource.id);

    const first = await repository.createUser(tenant, user('first@example.com', { externalId: 'obj-a' }));
    const second = await repository.createUser(tenant, user('second@example.com', { externalId: 'obj-a' }));
    expect(await findIds('obj-a')).toEqual([first.id, second.id].sort());

    // PATCH rename: the item moves with the version-conditioned write; the other user keeps its item.
    await repository.updateUser(tenant, first.id, (current) => ({
      resource: { ...current, externalId: 'obj-b' },
      changed: true,
    }));
    expect(await findIds('obj-a')).toEqual([second.id]);
    expect(await findIds('obj-b')).toEqual([first.id]);
    expect(await lookupItems('obj-a')).toEqual([second.id]);
    expect(await lookupItems('obj-b')).toEqual([first.id]);

    // PUT onto a value another user holds: allowed, and both are found.
    await repository.replaceUser(tenant, first.id, user('first@example.com', { externalId: 'obj-a' }));
    expect(await findIds('obj-a')).toEqual([first.id, second.id].sort());
    expect(await lookupItems('obj-b')).toEqual([]);

    // A PUT without externalId drops the item; a delete drops the user's own item only.
    await repository.replaceUser(tenant, second.id, user('second@example.com'));
    expect(await lookupItems('obj-a')).toEqual([first.id]);
    await repository.updateUser(tenant, second.id, (current) => ({
      resource: { ...current, externalId: 'obj-a' },
      changed: true,
    }));
    await repository.deleteUser(tenant, first.id);
    expect(await lookupItems('obj-a')).toEqual([second.id]);
    expect(await findIds('obj-a')).toEqual([second.id]);
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
    // A shared externalId across tenants: each tenant sees only its own user.
    const bobInA = await repository.createUser(TENANT, user('bob-a@example.com', { externalId: 'obj-bob' }));
    const byExternalId = async (tenant: string): Promise<string[]> =>
      (await repository.findUsers(tenant, { filter: parseFilter('externalId eq "obj-bob"') })).resources.map(
        (resource) => resource.id,
      );
    expect(await byExternalId(TENANT)).toEqual([bobInA.id]);
    expect(await byExternalId(OTHER)).toEqual([bob.id]);
    const error = await scimErrorOf(repository.deleteUser(TENANT, bob.id));
    expect(error.status).toBe(404);
    // The same userName is free in tenant A.
    await expect(repository.createUser(TENANT, user('bob@example.com'))).resolves.toBeDefined();
    const listedB = await repository.findUsers(OTHER, {});
    expect(listedB.resources.map((resource: ScimResource) => resource.id)).toEqual([bob.id]);
    expect(listedB.totalResults).toBe(1);
  });
});
