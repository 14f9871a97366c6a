/**
 * Setup links in the single table (docs/data-model.md): the link item, found by the code's SHA-256
 * (`SETUP#<sha256>` / `LINK`), and one pointer item per link in the tenant's `T#<t>#SETUP` partition, so
 * the CLI can list a tenant's links and end the older ones. Both carry `ttl` (the expiry, epoch seconds),
 * so DynamoDB deletes them after they expire; expiry is checked on every read too (TTL deletes late).
 * Command inputs are built by the pure functions below; the class only sends them.
 */
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  BatchWriteCommandInput,
  DynamoDBDocumentClient,
  QueryCommandInput,
  TransactWriteCommandInput,
  UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';

import type { SetupLink } from '../setup/links';
import { ScimError } from '../scim/errors';
import { chunk, MAX_BATCH_GET, MAX_BATCH_WRITE } from './commands';
import { toScimError } from './dynamodb-errors';
import { setupLinkIndexKey, setupLinkIndexPartition, setupLinkKey } from './keys';
import { TABLE_DEFINITION } from './table-definition';

const TTL = TABLE_DEFINITION.timeToLiveAttribute;
const epochSeconds = (iso: string): number => Math.ceil(Date.parse(iso) / 1000);

// ---- Pure builders ---------------------------------------------------------------------------------

/** The new link and its pointer, both only if absent (a code collision must not overwrite a link). */
export const issueLinkInput = (tableName: string, link: SetupLink): TransactWriteCommandInput => ({
  TransactItems: [
    {
      Put: {
        TableName: tableName,
        Item: { ...setupLinkKey(link.codeSha256), ...link, [TTL]: epochSeconds(link.expiresAt) },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Put: {
        TableName: tableName,
        Item: {
          ...setupLinkIndexKey(link.tenantId, link.codeSha256),
          createdAt: link.createdAt,
          expiresAt: link.expiresAt,
          [TTL]: epochSeconds(link.expiresAt),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ],
});

export const linkPointersQuery = (tableName: string, tenantId: string): QueryCommandInput => ({
  TableName: tableName,
  KeyConditionExpression: 'pk = :pk',
  ExpressionAttributeValues: { ':pk': setupLinkIndexPartition(tenantId) },
  ProjectionExpression: 'sk',
  ConsistentRead: true,
});

/** Deletes of the link items and pointers of these codes, 25 a batch. */
export const endLinksInputs = (
  tableName: string,
  tenantId: string,
  codeSha256s: readonly string[],
): BatchWriteCommandInput[] =>
  chunk(
    codeSha256s.flatMap((sha) => [setupLinkKey(sha), setupLinkIndexKey(tenantId, sha)]),
    MAX_BATCH_WRITE,
  ).map((keys) => ({
    RequestItems: {
      [tableName]: keys.map((key) => ({ DeleteRequest: { Key: { pk: key.pk, sk: key.sk } } })),
    },
  }));

/**
 * Counts one reveal attempt on an unexpired link, refused once `maxAttempts` were made: the per-link
 * limit. Answers the link as it is after the count.
 */
export const countRevealAttemptInput = (
  tableName: string,
  codeSha256: string,
  now: Date,
  maxAttempts: number,
): UpdateCommandInput => ({
  TableName: tableName,
  Key: setupLinkKey(codeSha256),
  UpdateExpression: 'ADD revealAttempts :one',
  ConditionExpression: 'attribute_exists(pk) AND expiresAt > :now AND revealAttempts < :max',
  ExpressionAttributeValues: { ':one': 1, ':now': now.toISOString(), ':max': maxAttempts },
  ReturnValues: 'ALL_NEW',
});

/** Claims the link's one reveal for `tokenId`: only an unexpired link not revealed yet. */
export const claimRevealInput = (
  tableName: string,
  codeSha256: string,
  tokenId: string,
  now: Date,
): UpdateCommandInput => ({
  TableName: tableName,
  Key: setupLinkKey(codeSha256),
  UpdateExpression: 'SET revealedAt = :now, revealedTokenId = :token',
  ConditionExpression: 'attribute_exists(pk) AND expiresAt > :now AND attribute_not_exists(revealedAt)',
  ExpressionAttributeValues: { ':now': now.toISOString(), ':token': tokenId },
});

/** Gives the claim back (the token could not be added), only if it is still this reveal's claim. */
export const releaseRevealInput = (
  tableName: string,
  codeSha256: string,
  tokenId: string,
): UpdateCommandInput => ({
  TableName: tableName,
  Key: setupLinkKey(codeSha256),
  UpdateExpression: 'REMOVE revealedAt, revealedTokenId',
  ConditionExpression: 'revealedTokenId = :token',
  ExpressionAttributeValues: { ':token': tokenId },
});

/** Narrows a link item; anything malformed is a backend fault (503), never a crash. */
export const asSetupLink = (raw: Record<string, unknown>): SetupLink => {
  const { tenantId, codeSha256, createdAt, expiresAt, revealedAt, revealedTokenId, revealAttempts } = raw;
  if (
    typeof tenantId !== 'string' ||
    typeof codeSha256 !== 'string' ||
    typeof createdAt !== 'string' ||
    typeof expiresAt !== 'string' ||
    typeof revealAttempts !== 'number'
  ) {
    throw ScimError.unavailable('The store returned a malformed item.');
  }
  return {
    tenantId,
    codeSha256,
    createdAt,
    expiresAt,
    revealAttempts,
    ...(typeof revealedAt === 'string' ? { revealedAt } : {}),
    ...(typeof revealedTokenId === 'string' ? { revealedTokenId } : {}),
  };
};

const isConditionalFailure = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'ConditionalCheckFailedException' || error.name === 'TransactionCanceledException');

// ---- Adapter -------------------------------------------------------------------------------------------

export class DynamoDbSetupLinks {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(options: { readonly client: DynamoDBDocumentClient; readonly tableName: string }) {
    this.#client = options.client;
    this.#tableName = options.tableName;
  }

  async #send<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw toScimError(error);
    }
  }

  /** Every link of the tenant, newest first (the code hashes and dates: never a code). */
  async list(tenantId: string): Promise<SetupLink[]> {
    const hashes = await this.#hashesOf(tenantId);
    const links: SetupLink[] = [];
    for (const keys of chunk(hashes.map(setupLinkKey), MAX_BATCH_GET)) {
      let pending: Record<string, unknown>[] = keys.map((key) => ({ pk: key.pk, sk: key.sk }));
      while (pending.length > 0) {
        const output = await this.#send(() =>
          this.#client.send(
            new BatchGetCommand({
              RequestItems: { [this.#tableName]: { Keys: pending, ConsistentRead: true } },
            }),
          ),
        );
        links.push(...(output.Responses?.[this.#tableName] ?? []).map(asSetupLink));
        pending = output.UnprocessedKeys?.[this.#tableName]?.Keys ?? [];
      }
    }
    return links.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  }

  /** Writes the new link, then ends the tenant's older links: a failure in between leaves both open. */
  async issue(link: SetupLink): Promise<{ ended: number }> {
    const older = await this.#hashesOf(link.tenantId);
    await this.#send(() =>
      this.#client.send(new TransactWriteCommand(issueLinkInput(this.#tableName, link))),
    );
    await this.#end(link.tenantId, older);
    return { ended: older.length };
  }

  /** Ends every link of the tenant. */
  async revokeAll(tenantId: string): Promise<{ ended: number }> {
    const hashes = await this.#hashesOf(tenantId);
    await this.#end(tenantId, hashes);
    return { ended: hashes.length };
  }

  async find(codeSha256: string): Promise<SetupLink | undefined> {
    const output = await this.#send(() =>
      this.#client.send(
        new GetCommand({ TableName: this.#tableName, Key: setupLinkKey(codeSha256), ConsistentRead: true }),
      ),
    );
    return output.Item === undefined ? undefined : asSetupLink(output.Item);
  }

  /** The link after counting this attempt, or undefined when it is gone, expired or out of attempts. */
  async countRevealAttempt(
    codeSha256: string,
    now: Date,
    maxAttempts: number,
  ): Promise<SetupLink | undefined> {
    try {
      const output = await this.#client.send(
        new UpdateCommand(countRevealAttemptInput(this.#tableName, codeSha256, now, maxAttempts)),
      );
      return output.Attributes === undefined ? undefined : asSetupLink(output.Attributes);
    } catch (error) {
      if (isConditionalFailure(error)) return undefined;
      throw toScimError(error);
    }
  }

  /** True when this reveal now owns the link's one reveal; false when it was revealed or has expired. */
  async claimReveal(codeSha256: string, tokenId: string, now: Date): Promise<boolean> {
    try {
      await this.#client.send(new UpdateCommand(claimRevealInput(this.#tableName, codeSha256, tokenId, now)));
      return true;
    } catch (error) {
      if (isConditionalFailure(error)) return false;
      throw toScimError(error);
    }
  }

  async releaseReveal(codeSha256: string, tokenId: string): Promise<void> {
    try {
      await this.#client.send(new UpdateCommand(releaseRevealInput(this.#tableName, codeSha256, tokenId)));
    } catch (error) {
      if (isConditionalFailure(error)) return;
      throw toScimError(error);
    }
  }

  async #hashesOf(tenantId: string): Promise<string[]> {
    const hashes: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const input = linkPointersQuery(this.#tableName, tenantId);
      const output = await this.#send(() =>
        this.#client.send(
          new QueryCommand(start === undefined ? input : { ...input, ExclusiveStartKey: start }),
        ),
      );
      for (const item of output.Items ?? []) if (typeof item.sk === 'string') hashes.push(item.sk);
      start = output.LastEvaluatedKey;
    } while (start !== undefined);
    return hashes;
  }

  async #end(tenantId: string, hashes: readonly string[]): Promise<void> {
    for (const input of endLinksInputs(this.#tableName, tenantId, hashes)) {
      let pending = input;
      for (;;) {
        const output = await this.#send(() => this.#client.send(new BatchWriteCommand(pending)));
        const unprocessed = output.UnprocessedItems?.[this.#tableName] ?? [];
        if (unprocessed.length === 0) break;
        pending = { RequestItems: { [this.#tableName]: unprocessed } };
      }
    }
  }
}
