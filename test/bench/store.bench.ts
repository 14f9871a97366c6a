/**
 * Store cost of each operation Entra uses, on DynamoDB Local: DynamoDB requests, sequential rounds
 * (requests in flight together count as one round) and consumed capacity (ReturnConsumedCapacity TOTAL),
 * for a small tenant (10 users, group of 10) and a large one (10,000 users, group of 10,000).
 */
import { randomUUID } from 'node:crypto';
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { parseFilter } from '../../lambdas/scim/filter/parser';
import type { JsonObject } from '../../lambdas/scim/json';
import { CORE_GROUP_URN, CORE_USER_URN } from '../../lambdas/scim/schema/urns';
import {
  ensureTable,
  localClient,
  localDocumentClient,
  startDynamoDbLocal,
} from '../../lambdas/store/dynamodb-local';
import { DynamoDbScimRepository } from '../../lambdas/store/dynamodb-repository';
import { mapLimit } from '../../lambdas/store/dynamodb-store';
import type { MemberEntry } from '../../lambdas/scim/patch';
import type { BenchReporter } from './report';

interface Meter {
  requests: number;
  rounds: number;
  capacity: number;
  inFlight: number;
}

const meter: Meter = { requests: 0, rounds: 0, capacity: 0, inFlight: 0 };

const capacityOf = (output: unknown): number => {
  if (typeof output !== 'object' || output === null || !('ConsumedCapacity' in output)) return 0;
  const consumed = (output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
  const list = Array.isArray(consumed) ? consumed : consumed === undefined ? [] : [consumed];
  return list.reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
};

const measure = async (action: () => Promise<unknown>): Promise<Omit<Meter, 'inFlight'>> => {
  Object.assign(meter, { requests: 0, rounds: 0, capacity: 0, inFlight: 0 });
  await action();
  return { requests: meter.requests, rounds: meter.rounds, capacity: Math.round(meter.capacity * 10) / 10 };
};

const user = (index: number | string): JsonObject => ({
  schemas: [CORE_USER_URN],
  userName: `user-${index}@example.com`,
  externalId: `obj-${index}`,
  active: true,
  name: { givenName: 'Given', familyName: 'Family' },
  emails: [{ value: `user-${index}@example.com`, type: 'work', primary: true }],
});

const noMembers = { removeAll: false, add: [] as MemberEntry[], remove: [] as string[] };
const entries = (ids: readonly string[]): MemberEntry[] => ids.map((value) => ({ value }));

const scenario = async (
  repository: DynamoDbScimRepository,
  size: number,
): Promise<[string, Omit<Meter, 'inFlight'>][]> => {
  const tenant = `bench-${size}`;
  const createUsers = async (suffixes: readonly (number | string)[]): Promise<string[]> =>
    (await mapLimit(suffixes, 50, (suffix) => repository.createUser(tenant, user(suffix)))).map(
      (created) => created.id,
    );
  const ids = await createUsers(Array.from({ length: size }, (_, index) => index));
  const big = await repository.createGroup(tenant, { schemas: [CORE_GROUP_URN], displayName: 'All' });
  await repository.updateGroup(tenant, big.id, () => ({
    resource: big,
    changed: false,
    members: { removeAll: false, add: entries(ids), remove: [] },
  }));
  const extraIds = await createUsers(Array.from({ length: 99 }, (_, index) => `extra-${index}`));
  // A membership is one item (one action): 49 and 50 added members both ride in the group's own
  // transaction (1 + 49 or 1 + 50 actions of 100); only a change of 100 or more members does not.
  const fitting = extraIds.slice(50);
  const tooMany = extraIds.slice(0, 50);
  const target = ids[0];
  const rows: [string, Omit<Meter, 'inFlight'>][] = [];
  const add = async (name: string, action: () => Promise<unknown>): Promise<void> => {
    rows.push([name, await measure(action)]);
  };
  await add('filter userName eq (match)', () =>
    repository.findUsers(tenant, { filter: parseFilter('userName eq "user-1@example.com"') }),
  );
  await add('filter userName eq (no match)', () =>
    repository.findUsers(tenant, { filter: parseFilter(`userName eq "${randomUUID()}"`) }),
  );
  await add('GET user by id', () => repository.getUser(tenant, target));
  let postedId = '';
  await add('POST user', async () => {
    postedId = (await repository.createUser(tenant, user('posted'))).id;
  });
  await add('PATCH replace title', () =>
    repository.updateUser(tenant, target, (current) => ({
      resource: { ...current, title: 'Director' },
      changed: true,
    })),
  );
  await add('PATCH deactivate', () =>
    repository.updateUser(tenant, target, (current) => ({
      resource: { ...current, active: false },
      changed: true,
    })),
  );
  let groupId = '';
  await add('POST group', async () => {
    groupId = (await repository.createGroup(tenant, { schemas: [CORE_GROUP_URN], displayName: 'New' })).id;
  });
  await add('POST group with 10 members', () =>
    repository.createGroup(tenant, {
      schemas: [CORE_GROUP_URN],
      displayName: 'New with members',
      members: ids.slice(0, 10).map((value) => ({ value })),
    }),
  );
  const addToBig = (memberIds: string[]) => () =>
    repository.updateGroup(
      tenant,
      big.id,
      (current) => ({
        resource: current,
        changed: false,
        members: { ...noMembers, add: entries(memberIds) },
      }),
      { memberIdsHint: memberIds },
    );
  await add(`PATCH add 49 members (group of ${size})`, addToBig(fitting));
  await add(`PATCH add 50 members (group of ${size + 49})`, addToBig(tooMany));
  await add(`PATCH remove 1 member (group of ${size + 99})`, () =>
    repository.updateGroup(tenant, big.id, (current) => ({
      resource: current,
      changed: false,
      members: { ...noMembers, remove: [target] },
    })),
  );
  await add('DELETE user (in 1 group)', () => repository.deleteUser(tenant, extraIds[0]));
  await add('DELETE user (in no group)', () => repository.deleteUser(tenant, postedId));
  await add('DELETE group (empty)', () => repository.deleteGroup(tenant, groupId));
  // size + 99 members, less the one removed and the deleted user's membership.
  await add(`DELETE group (${size + 97} members)`, () => repository.deleteGroup(tenant, big.id));
  return rows;
};

export async function run(report: BenchReporter): Promise<void> {
  const local = await startDynamoDbLocal();
  try {
    const tableName = `bench-${randomUUID()}`;
    const admin = localClient(local.endpoint);
    await ensureTable(admin, tableName);
    admin.destroy();
    const documentClient = localDocumentClient(local.endpoint);
    documentClient.middlewareStack.add(
      (next) => async (args) => {
        meter.requests += 1;
        if (meter.inFlight === 0) meter.rounds += 1;
        meter.inFlight += 1;
        try {
          const result = await next(args);
          meter.capacity += capacityOf(result.output);
          return result;
        } finally {
          meter.inFlight -= 1;
        }
      },
      { step: 'initialize', name: 'benchMeter' },
    );
    const repository = new DynamoDbScimRepository({ client: documentClient, tableName });
    const small = await scenario(repository, 10);
    const large = await scenario(repository, 10_000);
    report.section('store', 'Store: DynamoDB requests, rounds and capacity per operation');
    report.text(
      'On DynamoDB Local. "Rounds" are sequential round trips (requests in flight together count once); ' +
        'capacity is what DynamoDB Local reports with `ReturnConsumedCapacity: TOTAL` (it under-counts ' +
        'transactions, which cost 2 write units per item on AWS). Left: a tenant of 10 users and a group of ' +
        '10; right: 10,000 users and a group of 10,000.',
    );
    const rows = small.map(([name, figures], index): string[] => {
      const [largeName, largeFigures] = large[index] ?? [name, figures];
      const label = name === largeName ? name : `${name} / ${largeName.replace(/^.*\(/, '(')}`;
      return [
        label,
        String(figures.rounds),
        String(figures.requests),
        String(figures.capacity),
        String(largeFigures.rounds),
        String(largeFigures.requests),
        String(largeFigures.capacity),
      ];
    });
    report.table(
      [
        'Operation',
        'rounds (10)',
        'requests (10)',
        'capacity (10)',
        'rounds (10k)',
        'requests (10k)',
        'capacity (10k)',
      ],
      rows,
    );
    documentClient.destroy();
  } finally {
    await local.stop();
  }
}
