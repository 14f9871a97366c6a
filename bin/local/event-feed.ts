/**
 * The local change-event feed: the same mapping and publisher as the events Lambda (lambdas/events),
 * reading DynamoDB Local's table stream (DescribeStream / GetShardIterator / GetRecords) instead of
 * Lambda's event source mapping, with another sink. Each event is appended to `<data dir>/events.jsonl` as
 * the EventBridge envelope a consumer of the platform queue receives, then POSTed to SCIM_EVENTS_WEBHOOK
 * when set (in order, bounded retries, in the background: a failing webhook never holds the file back).
 *
 * Where each shard was read up to is kept in `<data dir>/events-checkpoint.json`, written after the batch
 * reached the file: a restart resumes there, and a crash in between writes that batch again, with the same
 * event ids (the documented duplicate). A record that cannot be mapped (a malformed item) is written to
 * `<data dir>/events-dead-letter.jsonl` (sequence number and reason, no item values) and skipped, as the
 * Lambda's dead-letter queue would take it after its retries.
 */
import { appendFile, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { Shard, _Record } from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

import { envelopeJson, publishRecords } from '../../lambdas/events/publisher';
import type { EventSink, PublishOptions } from '../../lambdas/events/publisher';
import type { Logger } from '../../lambdas/logger';
import { LOCAL_CLIENT_CONFIG } from '../../lambdas/store/dynamodb-local';
import { PRIVATE_FILE_MODE } from './data-dir';

export const EVENTS_FILE = 'events.jsonl';
export const CHECKPOINT_FILE = 'events-checkpoint.json';
export const DEAD_LETTER_FILE = 'events-dead-letter.jsonl';
/** As the Lambda's batch size (lib/events.ts, EVENTS_BATCH_SIZE). */
export const RECORDS_PER_BATCH = 100;
export const DEFAULT_POLL_INTERVAL_MS = 250;

// ---- The webhook -------------------------------------------------------------------------------------

export interface WebhookOptions {
  /** Attempts per event, the first included. */
  readonly maxAttempts?: number;
  readonly timeoutMs?: number;
  /** Waits between attempts (ms); injectable so tests do not sleep. */
  readonly delay?: (milliseconds: number) => Promise<void>;
}

export const WEBHOOK_MAX_ATTEMPTS = 3;
export const WEBHOOK_TIMEOUT_MS = 2_000;
const WEBHOOK_BASE_DELAY_MS = 200;

const sleep = (milliseconds: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Worth another attempt: no answer, a server fault, a timeout or throttling; other 4xx will not change. */
const retryable = (status: number | undefined): boolean =>
  status === undefined || status >= 500 || status === 408 || status === 429;

/**
 * POSTs events one at a time, in order, each up to `maxAttempts` times; one that still fails is logged (its
 * id and the status) and passed over: the file holds it.
 */
export class WebhookDelivery {
  readonly #url: string;
  readonly #logger: Logger;
  readonly #maxAttempts: number;
  readonly #timeoutMs: number;
  readonly #delay: (milliseconds: number) => Promise<void>;
  readonly #abort = new AbortController();
  #queue: Promise<void> = Promise.resolve();
  #pending = 0;

  constructor(url: string, logger: Logger, options: WebhookOptions = {}) {
    this.#url = url;
    this.#logger = logger;
    this.#maxAttempts = options.maxAttempts ?? WEBHOOK_MAX_ATTEMPTS;
    this.#timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
    this.#delay = options.delay ?? sleep;
  }

  /** Queues the event; returns at once. */
  enqueue(eventId: string, body: string): void {
    this.#pending += 1;
    this.#queue = this.#queue.then(async () => {
      try {
        if (!this.#abort.signal.aborted) await this.#deliver(eventId, body);
      } finally {
        this.#pending -= 1;
      }
    });
  }

  async #deliver(eventId: string, body: string): Promise<void> {
    let status: number | undefined;
    let attempts = 0;
    for (let attempt = 1; attempt <= this.#maxAttempts; attempt += 1) {
      attempts = attempt;
      if (attempt > 1) await this.#delay(WEBHOOK_BASE_DELAY_MS * 2 ** (attempt - 2));
      if (this.#abort.signal.aborted) return;
      try {
        const response = await fetch(this.#url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body,
          signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(this.#timeoutMs)]),
        });
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) return;
        status = response.status;
      } catch {
        status = undefined;
      }
      if (!retryable(status)) break;
    }
    if (this.#abort.signal.aborted) return;
    this.#logger.warn('Event webhook did not take an event; it stays in events.jsonl', {
      eventId,
      status: status ?? 'no answer',
      attempts,
    });
  }

  /** Resolves when every queued event was delivered or given up. */
  idle(): Promise<void> {
    return this.#queue;
  }

  /** Abandons what is still queued (logged as a count). */
  async stop(): Promise<void> {
    if (this.#pending > 0) {
      this.#logger.warn('Event webhook stopped with events not delivered; they are in events.jsonl', {
        undelivered: this.#pending,
      });
    }
    this.#abort.abort();
    await this.#queue;
  }
}

// ---- The sink ----------------------------------------------------------------------------------------

/**
 * Appends each event's envelope to `<data dir>/events.jsonl` (one JSON line each, in order, in one write
 * per request), then hands them to the webhook. A failed append throws: the publisher retries it, and the
 * feed resumes the batch there.
 */
export const fileSink = (dataDir: string, webhook?: WebhookDelivery): EventSink => ({
  async put(events) {
    const lines = events.map((event) => envelopeJson(event));
    await appendFile(join(dataDir, EVENTS_FILE), lines.map((line) => `${line}\n`).join(''), {
      mode: PRIVATE_FILE_MODE,
    });
    events.forEach((event, index) => webhook?.enqueue(event.detail.eventId, lines[index] ?? ''));
    return events.map(() => true);
  },
});

// ---- Checkpoints -------------------------------------------------------------------------------------

export interface Checkpoint {
  readonly streamArn: string;
  /** Shard id -> the sequence number of the last record done. */
  readonly shards: Readonly<Record<string, string>>;
  /** Closed shards read to their end. */
  readonly finished: readonly string[];
}

export interface CheckpointStore {
  load(): Promise<Checkpoint | undefined>;
  save(checkpoint: Checkpoint): Promise<void>;
}

const isStringRecord = (value: unknown): value is Record<string, string> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.values(value).every((entry) => typeof entry === 'string');

export const fileCheckpointStore = (dataDir: string): CheckpointStore => {
  const file = join(dataDir, CHECKPOINT_FILE);
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch {
        return undefined;
      }
      const parsed = JSON.parse(text) as Partial<Record<keyof Checkpoint, unknown>>;
      const { streamArn, shards, finished } = parsed;
      if (typeof streamArn !== 'string' || !isStringRecord(shards)) {
        throw new Error(`${file} is not a checkpoint: remove it to read the stream from its start`);
      }
      return {
        streamArn,
        shards,
        finished: Array.isArray(finished) ? finished.filter((id) => typeof id === 'string') : [],
      };
    },
    async save(checkpoint) {
      // Written aside, then renamed: a crash never leaves half a checkpoint.
      await writeFile(`${file}.tmp`, `${JSON.stringify(checkpoint)}\n`, { mode: PRIVATE_FILE_MODE });
      await rename(`${file}.tmp`, file);
    },
  };
};

// ---- Reading the stream ------------------------------------------------------------------------------

export interface FeedRound {
  readonly published: number;
  /** Records skipped because they cannot be mapped (see the dead-letter file). */
  readonly deadLettered: number;
  /** A batch could not be written: it is read again next round. */
  readonly stalled: boolean;
}

/**
 * The shards in an order that reads a parent before its children (a child is read only once its parent
 * is finished, or no longer listed: trimmed).
 */
export const readableShards = (shards: readonly Shard[], finished: ReadonlySet<string>): string[] => {
  const listed = new Set(shards.map((shard) => shard.ShardId));
  return shards
    .filter((shard) => shard.ShardId !== undefined && !finished.has(shard.ShardId))
    .filter(
      (shard) =>
        shard.ParentShardId === undefined ||
        !listed.has(shard.ParentShardId) ||
        finished.has(shard.ParentShardId),
    )
    .map((shard) => shard.ShardId as string);
};

export interface StreamFeedDeps {
  readonly streams: Pick<DynamoDBStreamsClient, 'send'>;
  readonly streamArn: string;
  readonly checkpoints: CheckpointStore;
  readonly sink: EventSink;
  readonly logger: Logger;
  /** Where unreadable records go (sequence number, shard, reason). */
  readonly deadLetter: (entry: { shardId: string; sequenceNumber?: string; reason: string }) => Promise<void>;
  readonly options?: PublishOptions;
}

/** Reads a table stream from its checkpoint and publishes it batch by batch. One round at a time. */
export class StreamFeed {
  readonly #deps: StreamFeedDeps;
  #position: Record<string, string> | undefined;
  #finished = new Set<string>();

  constructor(deps: StreamFeedDeps) {
    this.#deps = deps;
  }

  async #listShards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await this.#deps.streams.send(
        new DescribeStreamCommand({
          StreamArn: this.#deps.streamArn,
          ExclusiveStartShardId: exclusiveStartShardId,
        }),
      );
      shards.push(...(StreamDescription?.Shards ?? []));
      exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId !== undefined);
    return shards;
  }

  async #save(listed: ReadonlySet<string>): Promise<void> {
    const position = this.#position ?? {};
    // A shard no longer listed was trimmed: forget it.
    for (const shardId of Object.keys(position)) if (!listed.has(shardId)) delete position[shardId];
    for (const shardId of this.#finished) if (!listed.has(shardId)) this.#finished.delete(shardId);
    await this.#deps.checkpoints.save({
      streamArn: this.#deps.streamArn,
      shards: { ...position },
      finished: [...this.#finished],
    });
  }

  async #iterator(shardId: string, after: string | undefined): Promise<string | undefined> {
    const from = async (
      input:
        | { ShardIteratorType: 'TRIM_HORIZON' }
        | { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER'; SequenceNumber: string },
    ) =>
      (
        await this.#deps.streams.send(
          new GetShardIteratorCommand({ StreamArn: this.#deps.streamArn, ShardId: shardId, ...input }),
        )
      ).ShardIterator;
    if (after === undefined) return from({ ShardIteratorType: 'TRIM_HORIZON' });
    try {
      return await from({ ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after });
    } catch (error) {
      if (!(error instanceof TrimmedDataAccessException)) throw error;
      // The stream no longer holds the checkpoint (past its retention): what came in between is gone.
      this.#deps.logger.warn('Event feed checkpoint is past the stream retention; reading from its start', {
        shardId,
      });
      return from({ ShardIteratorType: 'TRIM_HORIZON' });
    }
  }

  /** Everything the stream holds past the checkpoint, published in batches of up to 100 records. */
  async round(): Promise<FeedRound> {
    if (this.#position === undefined) {
      const saved = await this.#deps.checkpoints.load();
      const same = saved?.streamArn === this.#deps.streamArn;
      this.#position = same ? { ...saved.shards } : {};
      this.#finished = new Set(same ? saved.finished : []);
    }
    const position = this.#position;
    let published = 0;
    let deadLettered = 0;
    const shards = await this.#listShards();
    const listed = new Set(shards.flatMap((shard) => (shard.ShardId === undefined ? [] : [shard.ShardId])));
    // A pass reads every readable shard; a shard finished in it may make its children readable.
    for (let readable = readableShards(shards, this.#finished); readable.length > 0;) {
      for (const shardId of readable) {
        let iterator = await this.#iterator(shardId, position[shardId]);
        let open = true;
        while (iterator !== undefined) {
          const page = await this.#deps.streams.send(
            new GetRecordsCommand({ ShardIterator: iterator, Limit: RECORDS_PER_BATCH }),
          );
          const records: readonly _Record[] = page.Records ?? [];
          let start = 0;
          while (start < records.length) {
            const batch = records.slice(start);
            const result = await publishRecords(batch, this.#deps.sink, this.#deps.options);
            published += result.published;
            const stop = result.failedRecord ?? batch.length;
            const rejected = result.failedReason === 'rejected' ? batch[stop] : undefined;
            if (rejected !== undefined) {
              const reason = result.rejected.find((entry) => entry.index === stop)?.reason ?? 'unreadable';
              const sequenceNumber = rejected.dynamodb?.SequenceNumber;
              await this.#deps.deadLetter({
                shardId,
                ...(sequenceNumber !== undefined ? { sequenceNumber } : {}),
                reason,
              });
              this.#deps.logger.error('Stream record cannot be read; written to the dead-letter file', {
                shardId,
                sequenceNumber,
                reason,
              });
              deadLettered += 1;
            }
            const done = rejected === undefined ? stop : stop + 1;
            const last = batch[done - 1]?.dynamodb?.SequenceNumber;
            if (last !== undefined) {
              position[shardId] = last;
              await this.#save(listed);
            }
            if (result.failedReason === 'unpublished') return { published, deadLettered, stalled: true };
            start += done;
          }
          if (page.NextShardIterator === undefined) {
            open = false;
            break;
          }
          // An open shard with nothing new: caught up for this round.
          if (records.length === 0) break;
          iterator = page.NextShardIterator;
        }
        if (!open) {
          // Closed and read to its end: its children come next.
          this.#finished.add(shardId);
          await this.#save(listed);
        }
      }
      const next = readableShards(shards, this.#finished).filter((shardId) => !readable.includes(shardId));
      readable = next;
    }
    return { published, deadLettered, stalled: false };
  }
}

// ---- The feed as the local server runs it ------------------------------------------------------------

export interface LocalEventFeedOptions {
  /** DynamoDB (Local) endpoint of the table. */
  readonly endpoint: string;
  readonly tableName: string;
  readonly dataDir: string;
  readonly logger: Logger;
  /** SCIM_EVENTS_WEBHOOK: each event is POSTed here too. */
  readonly webhookUrl?: string;
  readonly webhook?: WebhookOptions;
  /** Pause between rounds (default 250 ms). */
  readonly pollIntervalMs?: number;
}

export interface LocalEventFeed {
  /** Publishes everything the stream holds now, and waits for the webhook to take it (tests). */
  drain(): Promise<FeedRound>;
  stop(): Promise<void>;
}

export const tableStreamArn = async (
  client: Pick<DynamoDBClient, 'send'>,
  tableName: string,
): Promise<string> => {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const arn = Table?.LatestStreamArn;
  if (arn === undefined || Table?.StreamSpecification?.StreamEnabled !== true) {
    throw new Error(`Table ${tableName} has no stream`);
  }
  return arn;
};

export const localStreamsClient = (endpoint: string): DynamoDBStreamsClient =>
  new DynamoDBStreamsClient({ ...LOCAL_CLIENT_CONFIG, endpoint, maxAttempts: 3 });

export async function startLocalEventFeed(
  client: Pick<DynamoDBClient, 'send'>,
  options: LocalEventFeedOptions,
): Promise<LocalEventFeed> {
  const { logger, dataDir } = options;
  const streams = localStreamsClient(options.endpoint);
  const webhook =
    options.webhookUrl === undefined
      ? undefined
      : new WebhookDelivery(options.webhookUrl, logger, options.webhook);
  const feed = new StreamFeed({
    streams,
    streamArn: await tableStreamArn(client, options.tableName),
    checkpoints: fileCheckpointStore(dataDir),
    sink: fileSink(dataDir, webhook),
    logger,
    deadLetter: (entry) =>
      appendFile(join(dataDir, DEAD_LETTER_FILE), `${JSON.stringify(entry)}\n`, { mode: PRIVATE_FILE_MODE }),
  });
  const interval = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  let stopped = false;
  let wake: (() => void) | undefined;
  // One round at a time: drain() and the loop share the chain, so no batch is published twice at once.
  let rounds: Promise<FeedRound> = Promise.resolve({ published: 0, deadLettered: 0, stalled: false });
  const nextRound = (): Promise<FeedRound> => {
    rounds = rounds.catch(() => undefined).then(() => feed.round());
    return rounds;
  };
  let reported = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const round = await nextRound();
        if (round.stalled) logger.warn('Event feed could not write a batch; it retries');
        reported = false;
      } catch (error) {
        // Once per failure streak: a stopped DynamoDB Local would otherwise log four lines a second.
        if (!stopped && !reported) {
          logger.error('Event feed round failed; it retries', {
            error: error instanceof Error ? error.name : 'error',
          });
          reported = true;
        }
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, interval).unref();
      });
    }
  })();
  return {
    async drain() {
      const round = await nextRound();
      await webhook?.idle();
      return round;
    },
    async stop() {
      stopped = true;
      wake?.();
      await loop;
      // A last round: the changes of the last requests reach the file before DynamoDB Local stops.
      await nextRound().catch((error: unknown) => {
        logger.error('Event feed last round failed; the next start resumes from the checkpoint', {
          error: error instanceof Error ? error.name : 'error',
        });
      });
      await webhook?.stop();
      streams.destroy();
    },
  };
}
