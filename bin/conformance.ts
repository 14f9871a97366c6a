/**
 * `npm run conformance -- <collection file>`: runs a Postman collection (Microsoft's SCIM reference
 * collection; README, "Conformance") against a fresh tenant of the local server and prints every failed
 * assertion, then `N passed, N failed`. Exit codes: 0 all passed, 1 a failure, 2 a usage error.
 *
 *   SCIM_DYNAMODB_ENDPOINT  use this DynamoDB endpoint (a new table) instead of an in-memory DynamoDB Local
 */
import { allPassed, formatSummary } from './conformance/collection';
import { runConformance } from './conformance/run';

async function main(): Promise<number> {
  const [collectionFile, ...rest] = process.argv.slice(2);
  if (collectionFile === undefined || rest.length > 0) {
    console.error('usage: npm run conformance -- <Postman collection file>');
    return 2;
  }
  const endpoint = process.env.SCIM_DYNAMODB_ENDPOINT;
  const summary = await runConformance({
    collectionFile,
    ...(endpoint ? { dynamoDbEndpoint: endpoint } : {}),
    onStart: (tenantUrl) => console.log(`Running ${collectionFile} against ${tenantUrl}`),
  });
  for (const line of formatSummary(summary)) console.log(line);
  return allPassed(summary) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('Conformance run failed:', error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
