/**
 * The local event feed's stream reading (bin/local/event-feed.ts) on a scripted DynamoDB Streams API:
 * shard order and shard ends, the checkpoint, unreadable records, a sink that fails; and the webhook's
 * bounded retries.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { marshall } from '@aws-sdk/util-dynamodb';

import { StreamFeed, WebhookDelivery, readableShards } from '../../../bin/local/event-feed';
import type { Checkpoint, StreamFeedDeps } from '../../../bin/local/event-feed';
import type { StreamRecord } from '../../../lambdas/events/change-events';
import type { EventSink } from '../../../lambdas/events/publisher';
import type { LogAttributes, Logger } from '../../../lambdas/logger';
import { created } from '../events/stream-records';

const STREAM = 'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/1';

/** A user record whose image is not a resource item: the mapping rejects it. */
const malformed = (n: number): StreamRecord => {
  const good = created(n);
  return {
    eventName: 'INSERT',
    dynamodb: { ...good.dynamodb, NewImage: marshall({ pk: 'x', sk: 'y' }) },
  };
};

interface FakeShard {
  readonly id: string;
  readonly parent?: string;
  readonly records: StreamRecord[];
  closed: boolean;
}

/** DescribeStream / GetShardIterator / GetRecords over in-memory shards; counts GetRecords per shard. */
const fakeStreams = (shards: FakeShard[]) => {
  const reads: string[] = [];
  const send = (command: unknown): Promise<unknown> => {
    if (command instanceof DescribeStreamCommand) {
      return Promise.resolve({
        StreamDescription: {
          Shards: shards.map((shard) => ({
            ShardId: shard.id,
            ...(shard.parent !== undefined ? { ParentShardId: shard.parent } : {}),
          })),
        },
      });
    }
    if (command instanceof GetShardIteratorCommand) {
      const { ShardId, ShardIteratorType, SequenceNumber } = command.input;
      const shard = shards.find((candidate) => candidate.id === ShardId);
      if (shard === undefined) throw new Error(`no shard ${ShardId}`);
      const index =
        ShardIteratorType === 'TRIM_HORIZON'
          ? 0
          : shard.records.findIndex((record) => record.dynamodb?.SequenceNumber === SequenceNumber) + 1;
      return Promise.resolve({ ShardIterator: `${shard.id}@${index}` });
    }
    if (command instanceof GetRecordsCommand) {
      const [shardId, at] = (command.input.ShardIterator ?? '').split('@');
      const shard = shards.find((candidate) => candidate.id === shardId);
      if (shard === undefined) throw new Error(`no shard ${shardId}`);
      reads.push(shard.id);
      const start = Number(at);
      const records = shard.records.slice(start, start + (command.input.Limit ?? 1000));
      const end = start + records.length;
      const atEnd = end >= shard.records.length;
      return Promise.resolve({
        Records: records,
        ...(shard.closed && atEnd ? {} : { NextShardIterator: `${shard.id}@${end}` }),
      });
    }
    throw new Error('unexpected command');
  };
  return { streams: { send } as unknown as StreamFeedDeps['streams'], reads };
};

const memoryCheckpoints = () => {
  let saved: Checkpoint | undefined;
  return {
    store: {
      load: () => Promise.resolve(saved),
      save: (checkpoint: Checkpoint) => {
        saved = checkpoint;
        return Promise.resolve();
      },
    },
    current: () => saved,
  };
};

const recordingSink = (fail: () => boolean = () => false) => {
  const written: string[] = [];
  const sink: EventSink = {
    put(events) {
      if (fail()) return Promise.reject(new Error('disk full'));
      written.push(...events.map((event) => event.detail.userName ?? ''));
      return Promise.resolve(events.map(() => true));
    },
  };
  return { sink, written };
};

const recordingLogger = () => {
  const lines: { level: string; message: string; attributes?: LogAttributes }[] = [];
  const log =
    (level: string) =>
    (message: string, attributes?: LogAttributes): void => {
      lines.push({ level, message, ...(attributes !== undefined ? { attributes } : {}) });
    };
  const logger: Logger = {
    debug: log('DEBUG'),
    info: log('INFO'),
    warn: log('WARN'),
    error: log('ERROR'),
    appendKeys: () => undefined,
    resetKeys: () => undefined,
    addContext: () => undefined,
  };
  return { logger, lines };
};

const noDelay = (): Promise<void> => Promise.resolve();

describe('readableShards', () => {
  it('reads a child only once its parent is finished or gone', () => {
    const shards = [{ ShardId: 'child', ParentShardId: 'parent' }, { ShardId: 'parent' }];
    expect(readableShards(shards, new Set())).toEqual(['parent']);
    expect(readableShards(shards, new Set(['parent']))).toEqual(['child']);
    expect(readableShards([{ ShardId: 'child', ParentShardId: 'trimmed' }], new Set())).toEqual(['child']);
  });
});

describe('StreamFeed', () => {
  const feedOf = (
    streams: StreamFeedDeps['streams'],
    sink: EventSink,
    checkpoints = memoryCheckpoints(),
    deadLetters: unknown[] = [],
  ) =>
    new StreamFeed({
      streams,
      streamArn: STREAM,
      checkpoints: checkpoints.store,
      sink,
      logger: recordingLogger().logger,
      deadLetter: (entry) => {
        deadLetters.push(entry);
        return Promise.resolve();
      },
      options: { delay: noDelay },
    });

  it('reads a closed parent to its end before its child, and never reads a finished shard again', async () => {
    const child: FakeShard = { id: 'child', parent: 'parent', records: [created(3)], closed: false };
    const parent: FakeShard = { id: 'parent', records: [created(1), created(2)], closed: true };
    const { streams, reads } = fakeStreams([child, parent]);
    const checkpoints = memoryCheckpoints();
    const { sink, written } = recordingSink();
    const feed = feedOf(streams, sink, checkpoints);

    expect(await feed.round()).toEqual({ published: 3, deadLettered: 0, stalled: false });
    expect(written).toEqual(['user1@example.com', 'user2@example.com', 'user3@example.com']);
    expect(checkpoints.current()).toEqual({
      streamArn: STREAM,
      shards: { parent: created(2).dynamodb?.SequenceNumber, child: created(3).dynamodb?.SequenceNumber },
      finished: ['parent'],
    });

    reads.length = 0;
    child.records.push(created(4));
    expect(await feed.round()).toEqual({ published: 1, deadLettered: 0, stalled: false });
    expect(written.slice(3)).toEqual(['user4@example.com']);
    expect(reads).not.toContain('parent');
  });

  it('resumes from a saved checkpoint in a new feed (a restart): nothing twice', async () => {
    const shard: FakeShard = { id: 'only', records: [created(1), created(2)], closed: false };
    const { streams } = fakeStreams([shard]);
    const checkpoints = memoryCheckpoints();
    const first = recordingSink();
    await feedOf(streams, first.sink, checkpoints).round();
    shard.records.push(created(3));
    const second = recordingSink();
    await feedOf(streams, second.sink, checkpoints).round();
    expect(first.written).toEqual(['user1@example.com', 'user2@example.com']);
    expect(second.written).toEqual(['user3@example.com']);
  });

  it('dead-letters an unreadable record (sequence number and reason) and publishes the rest', async () => {
    const bad = malformed(2);
    const { streams } = fakeStreams([{ id: 'only', records: [created(1), bad, created(3)], closed: false }]);
    const { sink, written } = recordingSink();
    const deadLetters: unknown[] = [];
    const checkpoints = memoryCheckpoints();
    const round = await feedOf(streams, sink, checkpoints, deadLetters).round();
    expect(round).toEqual({ published: 2, deadLettered: 1, stalled: false });
    expect(written).toEqual(['user1@example.com', 'user3@example.com']);
    expect(deadLetters).toEqual([
      {
        shardId: 'only',
        sequenceNumber: bad.dynamodb?.SequenceNumber,
        reason: 'a resource image is malformed',
      },
    ]);
    expect(checkpoints.current()?.shards).toEqual({ only: created(3).dynamodb?.SequenceNumber });
  });

  it('stalls at a batch the sink cannot take and publishes it on the next round, losing nothing', async () => {
    const { streams } = fakeStreams([{ id: 'only', records: [created(1), created(2)], closed: false }]);
    let broken = true;
    const { sink, written } = recordingSink(() => broken);
    const checkpoints = memoryCheckpoints();
    const feed = feedOf(streams, sink, checkpoints);
    expect(await feed.round()).toEqual({ published: 0, deadLettered: 0, stalled: true });
    expect(checkpoints.current()).toBeUndefined();
    broken = false;
    expect(await feed.round()).toEqual({ published: 2, deadLettered: 0, stalled: false });
    expect(written).toEqual(['user1@example.com', 'user2@example.com']);
  });
});

describe('WebhookDelivery', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('retries a failing POST a bounded number of times, then moves on to the next event in order', async () => {
    const statuses = [503, 503, 503, 204, 400, 204];
    const posted: string[] = [];
    jest.spyOn(globalThis, 'fetch').mockImplementation((_url, init) => {
      posted.push(init?.body as string);
      return Promise.resolve(new Response(null, { status: statuses.shift() ?? 500 }));
    });
    const { logger, lines } = recordingLogger();
    const webhook = new WebhookDelivery('http://127.0.0.1:9/hook', logger, { delay: noDelay });
    webhook.enqueue('id-1', 'one');
    webhook.enqueue('id-2', 'two');
    webhook.enqueue('id-3', 'three');
    webhook.enqueue('id-4', 'four');
    await webhook.idle();
    // one: 3 attempts, all 503 (given up); two: accepted; three: 400 is not retried; four: accepted.
    expect(posted).toEqual(['one', 'one', 'one', 'two', 'three', 'four']);
    expect(lines.filter((line) => line.level === 'WARN').map((line) => line.attributes)).toEqual([
      { eventId: 'id-1', status: 503, attempts: 3 },
      { eventId: 'id-3', status: 400, attempts: 1 },
    ]);
  });
});
