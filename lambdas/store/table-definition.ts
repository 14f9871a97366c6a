/**
 * The single table, as data. The CDK stack and the DynamoDB Local helper both build the table from this,
 * so the local server and tests run against the same key schema as production.
 */
export const TABLE_DEFINITION = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  /** Items with this epoch-seconds attribute expire (used for short-lived pagination cursors). */
  timeToLiveAttribute: 'ttl',
  /** The change stream: every write with the item before and after, read by the change events publisher. */
  stream: 'NEW_AND_OLD_IMAGES',
  /**
   * `byMember`: the member items by user (gsi1pk = the user's tenant-prefixed key, gsi1sk = the group id),
   * serving User.groups and DELETE user's member clean-up. Eventually consistent, so never used for
   * Entra's matching lookups. Keys only: the group id is the index sort key.
   */
  globalSecondaryIndexes: [
    {
      indexName: 'byMember',
      partitionKey: { name: 'gsi1pk', type: 'S' },
      sortKey: { name: 'gsi1sk', type: 'S' },
      projection: 'KEYS_ONLY',
    },
  ],
} as const;

export const MEMBER_INDEX = TABLE_DEFINITION.globalSecondaryIndexes[0];
