/**
 * The shared per-tenant request counters of the request limit (lambdas/tenant-request-limit.ts): one
 * UpdateItem `ADD` of a container's local count on the tenant's item for the window, which answers the
 * window's global count (UPDATED_NEW). Kept apart from the resource store, like tenant-status.ts, so the
 * bundles carry only this one write.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';

import { requestCountKey } from './keys';

/** What one flush adds: `count` requests of the window starting at `windowStartSeconds`. */
export interface RequestCountFlush {
  readonly windowStartSeconds: number;
  readonly count: number;
  /** Epoch seconds at which DynamoDB may delete the item (TTL). */
  readonly expiresAtSeconds: number;
}

/** Adds a container's count to the tenant's window; resolves to the window's count over all containers. */
export interface RequestCounter {
  add(tenantId: string, flush: RequestCountFlush): Promise<number>;
}

export const addRequestCountInput = (
  tableName: string,
  tenantId: string,
  flush: RequestCountFlush,
): UpdateCommandInput => ({
  TableName: tableName,
  Key: requestCountKey(tenantId, flush.windowStartSeconds),
  // COUNT and TTL are reserved words; the TTL is set by the first flush and kept.
  UpdateExpression: 'ADD #count :count SET #ttl = if_not_exists(#ttl, :ttl)',
  ExpressionAttributeNames: { '#count': 'count', '#ttl': 'ttl' },
  ExpressionAttributeValues: { ':count': flush.count, ':ttl': flush.expiresAtSeconds },
  ReturnValues: 'UPDATED_NEW',
});

export const dynamoDbRequestCounter = (
  client: DynamoDBDocumentClient,
  tableName: string,
): RequestCounter => ({
  add: async (tenantId, flush) => {
    const output = await client.send(new UpdateCommand(addRequestCountInput(tableName, tenantId, flush)));
    const count: unknown = output.Attributes?.count;
    if (typeof count !== 'number') throw new TypeError('The request counter answered no count.');
    return count;
  },
});
