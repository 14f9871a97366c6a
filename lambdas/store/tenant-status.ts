/**
 * What the setup page's connection panel needs, written by the SCIM chain (middleware/connection-status.ts):
 * one status item per tenant (last seen, User-Agent, Test Connection), and the errors answered, in a ring
 * of ANSWERED_ERROR_SLOTS items per tenant (each error overwrites the oldest slot of its container's turn),
 * so an error storm costs one small write per error and never grows the table. Kept apart from the resource
 * store so the Users and Groups bundles carry only these two writes.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient, PutCommandInput, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';

import { answeredErrorKey, tenantStatusKey } from './keys';

/** A User-Agent is kept to this many characters (it names the provider; nothing more is needed). */
export const MAX_USER_AGENT_LENGTH = 200;

export interface SeenRequest {
  readonly at: string;
  readonly userAgent: string;
  /** Entra's Test Connection probe (a filter on a random GUID), answered 200. */
  readonly testConnection: boolean;
}

/** One refused request: no path, query, body or detail, so no personal data. */
export interface AnsweredErrorRecord {
  readonly at: string;
  readonly status: number;
  readonly scimType?: string | undefined;
  /** A schema attribute path (lambdas/scim/error-attribute.ts), never a value. */
  readonly attribute?: string | undefined;
  /** Method and route template, e.g. "POST /Users". */
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
  ExpressionAttributeValues: { ':at': seen.at, ':ua': seen.userAgent.slice(0, MAX_USER_AGENT_LENGTH) },
});

export const recordErrorInput = (
  tableName: string,
  tenantId: string,
  slot: number,
  error: AnsweredErrorRecord,
): PutCommandInput => ({
  TableName: tableName,
  Item: { ...answeredErrorKey(tenantId, slot), ...error },
});

export interface StatusRecorder {
  recordSeen(tenantId: string, seen: SeenRequest): Promise<void>;
  recordError(tenantId: string, slot: number, error: AnsweredErrorRecord): Promise<void>;
}

export const dynamoDbStatusRecorder = (
  client: DynamoDBDocumentClient,
  tableName: string,
): StatusRecorder => ({
  recordSeen: async (tenantId, seen) => {
    await client.send(new UpdateCommand(recordSeenInput(tableName, tenantId, seen)));
  },
  recordError: async (tenantId, slot, error) => {
    await client.send(new PutCommand(recordErrorInput(tableName, tenantId, slot, error)));
  },
});
