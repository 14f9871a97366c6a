/**
 * What the setup page's connection panel needs, written by the SCIM chain (middleware/connection-status.ts):
 * one status item per tenant (last seen, User-Agent, Test Connection), updated at most once a minute per
 * container, and one small item per 4xx/5xx answered, kept 7 days (TTL). Kept apart from the resource
 * store so the Users and Groups bundles carry only these two writes.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient, PutCommandInput, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';

import { answeredErrorPartition, tenantStatusKey } from './keys';

/** How long an answered error stays listed. */
export const ERROR_RETENTION_SECONDS = 7 * 86_400;

export interface SeenRequest {
  readonly at: string;
  readonly userAgent: string;
  /** Entra's Test Connection: a userName filter on /Users, answered 200. */
  readonly testConnection: boolean;
}

export interface AnsweredErrorRecord {
  readonly at: string;
  readonly requestId: string;
  readonly status: number;
  readonly scimType?: string;
  readonly attribute?: string;
  readonly request: string;
}

export const recordSeenInput = (
  tableName: string,
  tenantId: string,
  seen: SeenRequest,
): UpdateCommandInput => ({
  TableName: tableName,
  Key: tenantStatusKey(tenantId),
  UpdateExpression: `SET lastSeenAt = :at, userAgent = :ua${seen.testConnection ? ', testConnectionAt = :at' : ''}`,
  ExpressionAttributeValues: { ':at': seen.at, ':ua': seen.userAgent.slice(0, 200) },
});

export const recordErrorInput = (
  tableName: string,
  tenantId: string,
  error: AnsweredErrorRecord,
): PutCommandInput => ({
  TableName: tableName,
  Item: {
    pk: answeredErrorPartition(tenantId),
    sk: `${error.at}#${error.requestId}`,
    ...error,
    ttl: Math.ceil(Date.parse(error.at) / 1000) + ERROR_RETENTION_SECONDS,
  },
});

export interface StatusRecorder {
  recordSeen(tenantId: string, seen: SeenRequest): Promise<void>;
  recordError(tenantId: string, error: AnsweredErrorRecord): Promise<void>;
}

export const dynamoDbStatusRecorder = (
  client: DynamoDBDocumentClient,
  tableName: string,
): StatusRecorder => ({
  recordSeen: async (tenantId, seen) => {
    await client.send(new UpdateCommand(recordSeenInput(tableName, tenantId, seen)));
  },
  recordError: async (tenantId, error) => {
    await client.send(new PutCommand(recordErrorInput(tableName, tenantId, error)));
  },
});
