/**
 * `tenant rekey` on DynamoDB Local, against items written the way the store wrote them before match keys
 * (lower-cased userName and email, externalId as sent): docs/data-model.md, "Migration".
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { JsonObject } from '../../../lambdas/scim/json';
import { CORE_USER_URN } from '../../../lambdas/scim/schema/urns';
import type { DynamoDbScimRepository } from '../../../lambdas/store/dynamodb-repository';
import { rekeyLookups } from '../../../lambdas/store/rekey-lookups';
import { createUserService } from '../../../lambdas/service/users';
import type { ResourceService } from '../../../lambdas/service/types';
import { scimErrorOf } from '../../unit/scim-errors';
import { createTestTable } from './table';
import type { TestTable } from './table';

const TENANT = 't-legacy';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const LIST = { attributes: [], excludedAttributes: [], startIndex: 1, count: 100 };

let table: TestTable;
let repository: DynamoDbScimRepository;
let users: ResourceService;

beforeAll(async () => {
  table = await createTestTable();
  repository = table.repository();
  users = createUserService(repository);
});
afterAll(() => table.close());

const send = (command: PutCommand | DeleteCommand | UpdateCommand) =>
  table.documentClient.send(command as PutCommand);

const exists = async (pk: string, sk: string): Promise<boolean> =>
  (await table.documentClient.send(new GetCommand({ TableName: table.tableName, Key: { pk, sk } }))).Item !==
  undefined;

/**
 * A user as the earlier store left it: created through today's code under a placeholder, then its body
 * set to `body` and its lookup items replaced by `legacy` (pk, sk) keys.
 */
const legacyUser = async (
  body: JsonObject,
  legacy: (id: string) => readonly (readonly [string, string])[],
): Promise<string> => {
  const placeholderName = `placeholder-${Math.random()}`;
  const placeholder = await repository.createUser(TENANT, {
    schemas: [CORE_USER_URN],
    userName: placeholderName,
  });
  const id = placeholder.id;
  await send(
    new DeleteCommand({
      TableName: table.tableName,
      Key: { pk: `T#${TENANT}#USER#USERNAME#${placeholderName}`, sk: 'UNIQUE' },
    }),
  );
  await send(
    new UpdateCommand({
      TableName: table.tableName,
      Key: { pk: `T#${TENANT}#USERS`, sk: `USER#${id}` },
      UpdateExpression: 'SET #data = :data',
      ExpressionAttributeNames: { '#data': 'data' },
      ExpressionAttributeValues: { ':data': JSON.stringify({ schemas: [CORE_USER_URN], ...body }) },
    }),
  );
  for (const [pk, sk] of legacy(id)) {
    await send(new PutCommand({ TableName: table.tableName, Item: { pk, sk, id } }));
  }
  return id;
};

const found = async (filter: string): Promise<string[]> =>
  (await users.list(TENANT, { ...LIST, filter })).resources.map((resource) => resource.id);

describe('tenant rekey', () => {
  it('rewrites older lookup keys, reports a collision, and leaves the collided user renamable', async () => {
    const ada = await users.create(TENANT, { schemas: [CORE_USER_URN], userName: 'ada' });
    // Full-width "ａｄａ": created beside "ada" before match keys (the evasion).
    const wide = await legacyUser(
      {
        userName: '\uff41\uff44\uff41',
        externalId: ' ext-b',
        emails: [{ value: '\uff22@x.io', type: 'work' }],
      },
      (id) => [
        [`T#${TENANT}#USER#USERNAME#\uff41\uff44\uff41`, 'UNIQUE'],
        [`T#${TENANT}#USER#EXTERNALID# ext-b`, id],
        [`T#${TENANT}#USER#EMAIL#\uff42@x.io`, id],
      ],
    );
    // Decomposed "josé": no collision, only an older key.
    const jose = await legacyUser({ userName: 'Jose\u0301' }, () => [
      [`T#${TENANT}#USER#USERNAME#jose\u0301`, 'UNIQUE'],
    ]);
    // Older keys are not found through the lookups: what the rekey repairs.
    await expect(found('externalId eq "ext-b"')).resolves.toEqual([]);
    await expect(found('userName eq "jos\u00e9"')).resolves.toEqual([]);

    const report = await rekeyLookups({ client: table.documentClient, tableName: table.tableName }, TENANT);
    expect(report).toEqual({
      resources: 3,
      // ｂ-user: externalId and email (its userName is held by ada); josé: userName. ada's is current.
      written: 3,
      removed: 4,
      collisions: [{ type: 'User', attribute: 'userName', id: wide, heldBy: ada.id }],
    });
    await expect(found('externalId eq "ext-b"')).resolves.toEqual([wide]);
    await expect(found('emails.value eq "b@x.io"')).resolves.toEqual([wide]);
    await expect(found('userName eq "jos\u00e9"')).resolves.toEqual([jose]);
    expect(
      (await scimErrorOf(users.create(TENANT, { schemas: [CORE_USER_URN], userName: 'JOSÉ' }))).status,
    ).toBe(409);
    expect(await exists(`T#${TENANT}#USER#USERNAME#\uff41\uff44\uff41`, 'UNIQUE')).toBe(false);
    expect(await exists(`T#${TENANT}#USER#EXTERNALID# ext-b`, wide)).toBe(false);

    // A second run has nothing left to remove.
    const again = await rekeyLookups({ client: table.documentClient, tableName: table.tableName }, TENANT);
    expect([again.removed, again.collisions.length]).toEqual([0, 1]);

    // The duplicate holds no key: renaming it releases nothing of ada's, and ada keeps "ada".
    await users.patch(
      TENANT,
      wide,
      { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'userName', value: 'bee' }] },
      {},
    );
    await expect(found('userName eq "ada"')).resolves.toEqual([ada.id]);
    await expect(found('userName eq "bee"')).resolves.toEqual([wide]);
    expect(
      (await scimErrorOf(users.create(TENANT, { schemas: [CORE_USER_URN], userName: 'ADA' }))).status,
    ).toBe(409);
    const final = await rekeyLookups({ client: table.documentClient, tableName: table.tableName }, TENANT);
    expect(final.collisions).toEqual([]);
  });

  it('lets a user that collides be deleted without touching the holder', async () => {
    const tenant = TENANT;
    const holder = await users.create(tenant, { schemas: [CORE_USER_URN], userName: 'grace' });
    const duplicate = await legacyUser({ userName: 'grace\u200b' }, () => [
      [`T#${tenant}#USER#USERNAME#grace\u200b`, 'UNIQUE'],
    ]);
    await users.remove(tenant, duplicate, {});
    await expect(found('userName eq "grace"')).resolves.toEqual([holder.id]);
    expect(
      (await scimErrorOf(users.create(tenant, { schemas: [CORE_USER_URN], userName: 'Grace' }))).status,
    ).toBe(409);
  });
});
