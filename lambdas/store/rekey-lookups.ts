/**
 * `tenant rekey`: rewrites a tenant's lookup items written before match keys (docs/data-model.md,
 * "Migration"). First every resource's current lookup items are put (idempotent; a unique value another
 * resource already holds is reported, not taken), then every lookup item whose value part is not a match
 * key is deleted. Current code never writes such a key, so the delete cannot remove an item a concurrent
 * request just wrote. Reads each resource once and Scans the table once: a one-off, run per tenant after
 * deploying.
 */
import { DeleteCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { matchKey } from '../scim/match-key';
import { RESOURCE_TYPES } from '../scim/schema/resource-types';
import type { ResourceTypeName } from '../scim/schema/resource-types';
import { NO_INDEX, lookupActions, partitionQuery, tenantLookupScan } from './commands';
import { DynamoDbStore, unbounded } from './dynamodb-store';
import { asResourceItem, fromItem, indexValues } from './items';
import { lookupKeyPrefixes, resourcePartition } from './keys';

/** Two resources whose values now share a unique key: one of them is a duplicate the admin resolves. */
export interface RekeyCollision {
  readonly type: ResourceTypeName;
  readonly attribute: string;
  /** The resource that could not claim the key. */
  readonly id: string;
  /** The resource that holds it. */
  readonly heldBy: string;
}

export interface RekeyReport {
  readonly resources: number;
  /** Lookup items put: every email and externalId one (puts are idempotent), and unclaimed unique values. */
  readonly written: number;
  /** Items of older keys deleted. */
  readonly removed: number;
  readonly collisions: readonly RekeyCollision[];
}

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** Whether `pk` is a tenant's lookup key whose value part is not the match key a write builds today. */
const olderKey = (prefixes: ReturnType<typeof lookupKeyPrefixes>, pk: string): boolean =>
  prefixes.some(({ prefix, caseExact }) => {
    if (!pk.startsWith(prefix)) return false;
    const value = pk.slice(prefix.length);
    return matchKey(value, caseExact) !== value;
  });

export async function rekeyLookups(
  options: { readonly client: DynamoDBDocumentClient; readonly tableName: string },
  tenantId: string,
): Promise<RekeyReport> {
  const { client, tableName } = options;
  const store = new DynamoDbStore(options);
  let resources = 0;
  let written = 0;
  const collisions: RekeyCollision[] = [];
  for (const type of RESOURCE_TYPES) {
    const items = await store.queryAll(
      partitionQuery(tableName, resourcePartition(tenantId, type.name)),
      unbounded(),
    );
    for (const raw of items) {
      const resource = fromItem(asResourceItem(raw));
      resources += 1;
      const puts = lookupActions(
        tableName,
        tenantId,
        type.name,
        resource.id,
        NO_INDEX,
        indexValues(type.name, resource),
      );
      for (const { action, meaning } of puts) {
        const item = action.Put?.Item;
        if (action.Put === undefined || item === undefined) continue;
        try {
          await client.send(new PutCommand(action.Put));
          written += 1;
        } catch (error) {
          if (!isConditionFailure(error) || meaning.kind !== 'unique') throw error;
          // The unique value is claimed: by this resource (already rekeyed) or by another one.
          const holder = await store.getItem({ pk: String(item.pk), sk: String(item.sk) });
          const heldBy = typeof holder?.id === 'string' ? holder.id : '';
          if (heldBy !== resource.id) {
            collisions.push({ type: type.name, attribute: meaning.attribute, id: resource.id, heldBy });
          }
        }
      }
    }
  }
  const prefixes = lookupKeyPrefixes(tenantId);
  let removed = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        ...tenantLookupScan(tableName, tenantId),
        ...(start === undefined ? {} : { ExclusiveStartKey: start }),
      }),
    );
    for (const item of page.Items ?? []) {
      const { pk, sk } = item;
      if (typeof pk !== 'string' || typeof sk !== 'string' || !olderKey(prefixes, pk)) continue;
      await client.send(new DeleteCommand({ TableName: tableName, Key: { pk, sk } }));
      removed += 1;
    }
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return { resources, written, removed, collisions };
}
