/**
 * One in-memory DynamoDB Local for the whole integration project. Workers read its endpoint from
 * DYNAMODB_ENDPOINT; every test file creates its own table, so files never see each other's items.
 */
import { startDynamoDbLocal } from '../../lambdas/store/dynamodb-local';
import type { DynamoDbLocal } from '../../lambdas/store/dynamodb-local';

declare global {
  var scimDynamoDbLocal: DynamoDbLocal | undefined;
}

export default async function globalSetup(): Promise<void> {
  const local = await startDynamoDbLocal();
  globalThis.scimDynamoDbLocal = local;
  process.env.DYNAMODB_ENDPOINT = local.endpoint;
}
