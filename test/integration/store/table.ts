/** A fresh table per test file on the shared DynamoDB Local, and a repository over it. */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable, localClient, localDocumentClient } from '../../../lambdas/store/dynamodb-local';
import { DynamoDbScimRepository } from '../../../lambdas/store/dynamodb-repository';
import type { DynamoDbRepositoryOptions } from '../../../lambdas/store/dynamodb-store';

export interface TestTable {
  readonly tableName: string;
  readonly documentClient: DynamoDBDocumentClient;
  repository(options?: Partial<DynamoDbRepositoryOptions>): DynamoDbScimRepository;
  close(): void;
}

export const createTestTable = async (): Promise<TestTable> => {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (endpoint === undefined)
    throw new Error('DYNAMODB_ENDPOINT is not set: run with --selectProjects integration');
  const tableName = `scim-test-${randomUUID()}`;
  const client = localClient(endpoint);
  // No change stream: these tests load thousands of items and never read it.
  await ensureTable(client, tableName, { stream: false });
  client.destroy();
  const documentClient = localDocumentClient(endpoint);
  return {
    tableName,
    documentClient,
    repository: (options = {}) =>
      new DynamoDbScimRepository({ client: documentClient, tableName, ...options }),
    close: () => documentClient.destroy(),
  };
};
