/**
 * The single table, as data. The CDK stack and the DynamoDB Local helper both build the table from this,
 * so the local server and tests run against the same key schema as production.
 */
export const TABLE_DEFINITION = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  /** Items with this epoch-seconds attribute expire (used for short-lived pagination cursors). */
  timeToLiveAttribute: 'ttl',
} as const;
