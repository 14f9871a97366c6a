/**
 * What the setup page's connection panel needs, written by the SCIM chain (middleware/connection-status.ts):
 * one status item per tenant (last seen, User-Agent, Test Connection), and the errors answered, in a ring
 * of ANSWERED_ERROR_SLOTS items per tenant (each error overwrites the oldest slot of its container's turn),
 * so an error storm costs one small write per error and never grows the table; and the names of attributes
 * requests gave that no schema defines, a set of at most MAX_IGNORED_ATTRIBUTES names on the status item,
 * added to only when a container sees a name it has not recorded. Kept apart from the resource
 * store so the Users and Groups bundles carry only these two writes.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient, PutCommandInput, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';

import { MAX_IGNORED_ATTRIBUTES, answeredErrorKey, tenantStatusKey } from './keys';

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

/**
 * Adds `names` to the tenant's set of ignored attribute names, unless that could take the set beyond
 * MAX_IGNORED_ATTRIBUTES (then the condition fails and the set stays as it is: it is full).
 */
export const recordIgnoredAttributesInput = (
  tableName: string,
  tenantId: string,
  names: readonly string[],
): UpdateCommandInput => {
  const added = names.slice(0, MAX_IGNORED_ATTRIBUTES);
  return {
    TableName: tableName,
    Key: tenantStatusKey(tenantId),
    UpdateExpression: 'ADD ignoredAttributes :names',
    ConditionExpression: 'attribute_not_exists(ignoredAttributes) OR size(ignoredAttributes) <= :room',
    ExpressionAttributeValues: { ':names': new Set(added), ':room': MAX_IGNORED_ATTRIBUTES - added.length },
  };
};

export interface StatusRecorder {
  recordSeen(tenantId: string, seen: SeenRequest): Promise<void>;
  recordError(tenantId: string, slot: number, error: AnsweredErrorRecord): Promise<void>;
  /** Adds names to the tenant's ignored attributes; a full set is left as it is (no error). */
  recordIgnoredAttributes(tenantId: string, names: readonly string[]): Promise<void>;
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
  recordIgnoredAttributes: async (tenantId, names) => {
    if (names.length === 0) return;
    try {
      await client.send(new UpdateCommand(recordIgnoredAttributesInput(tableName, tenantId, names)));
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
    }
  },
});
