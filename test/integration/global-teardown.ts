/** Stops the DynamoDB Local that global-setup.ts started (same process). */
import './global-setup';

export default async function globalTeardown(): Promise<void> {
  await globalThis.scimDynamoDbLocal?.stop();
  globalThis.scimDynamoDbLocal = undefined;
}
