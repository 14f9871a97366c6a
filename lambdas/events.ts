/**
 * The events Lambda: the table's stream in, change events onto the stage's EventBridge bus out
 * (docs/events.md). Configuration and client once per container, then the stream handler.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

import { loadEventsConfig } from './config';
import { eventBridgeSink } from './events/eventbridge-sink';
import { createStreamHandler } from './events/stream-handler';
import { createLogger } from './logger';

/**
 * Per PutEvents call: 2 attempts of (1 s connect + 3 s response); the publisher retries the entries that
 * still fail, and the Lambda's timeout (lib/events.ts) leaves room for a batch of slow calls.
 */
export const EVENTBRIDGE_CLIENT_LIMITS = {
  maxAttempts: 2,
  connectionTimeoutMs: 1_000,
  requestTimeoutMs: 3_000,
} as const;

const config = loadEventsConfig();

const client = new EventBridgeClient({
  maxAttempts: EVENTBRIDGE_CLIENT_LIMITS.maxAttempts,
  requestHandler: {
    connectionTimeout: EVENTBRIDGE_CLIENT_LIMITS.connectionTimeoutMs,
    requestTimeout: EVENTBRIDGE_CLIENT_LIMITS.requestTimeoutMs,
  },
});

export const handler = createStreamHandler({
  sink: eventBridgeSink(client, config.eventBusName),
  logger: createLogger(config),
});
