/**
 * Reads what the setup page's status panel shows (lambdas/setup/status.ts): the status item, the latest
 * answered errors, the tenant's users (for the completeness report) and its groups' count and last change.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient, GetCommandInput, QueryCommandInput } from '@aws-sdk/lib-dynamodb';

import type { ScimResource } from '../scim/resource';
import type { AnsweredError, RecordedStatus } from '../setup/status';
import { toScimError } from './dynamodb-errors';
import { asResourceItem, fromItem } from './items';
import { ANSWERED_ERROR_SLOTS, answeredErrorPartition, resourcePartition, tenantStatusKey } from './keys';

export interface TenantActivity {
  readonly recorded: RecordedStatus;
  readonly errors: AnsweredError[];
  readonly users: ScimResource[];
  readonly groups: number;
  readonly lastChangeAt?: string;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** A string set as the document client reads it (a Set), sorted; undefined when absent or empty. */
const sortedNames = (value: unknown): string[] | undefined => {
  if (!(value instanceof Set) || value.size === 0) return undefined;
  return [...(value as Set<unknown>)].filter((name): name is string => typeof name === 'string').sort();
};

/** The ring of answered errors: every slot (their order is the slots', not the errors'). */
export const latestErrorsQuery = (tableName: string, tenantId: string): QueryCommandInput => ({
  TableName: tableName,
  KeyConditionExpression: 'pk = :pk',
  ExpressionAttributeValues: { ':pk': answeredErrorPartition(tenantId) },
  Limit: ANSWERED_ERROR_SLOTS,
});

/** The tenant's ignored attribute names alone (the CLI report). */
export const ignoredAttributesQuery = (tableName: string, tenantId: string): GetCommandInput => ({
  TableName: tableName,
  Key: tenantStatusKey(tenantId),
  ProjectionExpression: 'ignoredAttributes',
});

const newestFirst = (a: AnsweredError, b: AnsweredError): number => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0);

export class DynamoDbTenantActivity {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async #queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const output = await this.client.send(
        new QueryCommand(start === undefined ? input : { ...input, ExclusiveStartKey: start }),
      );
      items.push(...(output.Items ?? []));
      start = output.LastEvaluatedKey;
    } while (start !== undefined);
    return items;
  }

  /** Attribute names requests gave that no schema defines, sorted (mappings that go nowhere). */
  async ignoredAttributes(tenantId: string): Promise<string[]> {
    try {
      const output = await this.client.send(new GetCommand(ignoredAttributesQuery(this.tableName, tenantId)));
      return sortedNames(output.Item?.ignoredAttributes) ?? [];
    } catch (error) {
      throw toScimError(error);
    }
  }

  async read(tenantId: string): Promise<TenantActivity> {
    try {
      const partition = (pk: string, projection?: string): QueryCommandInput => ({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ...(projection === undefined ? {} : { ProjectionExpression: projection }),
      });
      const [status, errors, userItems, groupItems] = await Promise.all([
        this.client.send(new GetCommand({ TableName: this.tableName, Key: tenantStatusKey(tenantId) })),
        this.client.send(new QueryCommand(latestErrorsQuery(this.tableName, tenantId))),
        this.#queryAll(partition(resourcePartition(tenantId, 'User'))),
        this.#queryAll(partition(resourcePartition(tenantId, 'Group'), 'lastModified')),
      ]);
      const resourceItems = userItems.map(asResourceItem);
      const users = resourceItems.map(fromItem);
      const lastChanges = [
        ...resourceItems.map((item) => item.lastModified),
        ...groupItems.map((item) => text(item.lastModified)),
      ].filter((value): value is string => value !== undefined);
      const item = status.Item ?? {};
      const lastSeenAt = text(item.lastSeenAt);
      const userAgent = text(item.userAgent);
      const testConnectionAt = text(item.testConnectionAt);
      const ignoredAttributes = sortedNames(item.ignoredAttributes);
      const lastChangeAt = lastChanges.sort().at(-1);
      return {
        recorded: {
          ...(lastSeenAt !== undefined ? { lastSeenAt } : {}),
          ...(userAgent !== undefined ? { userAgent } : {}),
          ...(testConnectionAt !== undefined ? { testConnectionAt } : {}),
          ...(ignoredAttributes !== undefined ? { ignoredAttributes } : {}),
        },
        errors: (errors.Items ?? [])
          .map((entry) => {
            const scimType = text(entry.scimType);
            const attribute = text(entry.attribute);
            return {
              at: text(entry.at) ?? '',
              status: typeof entry.status === 'number' ? entry.status : 0,
              request: text(entry.request) ?? '',
              ...(scimType !== undefined ? { scimType } : {}),
              ...(attribute !== undefined ? { attribute } : {}),
            };
          })
          .sort(newestFirst),
        users,
        groups: groupItems.length,
        ...(lastChangeAt !== undefined ? { lastChangeAt } : {}),
      };
    } catch (error) {
      throw toScimError(error);
    }
  }
}
