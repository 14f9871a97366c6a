/**
 * `npm run conformance -- <collection file>`: starts the local server (the same handlers as the Lambdas)
 * with a fresh tenant on a temporary data directory and an in-memory DynamoDB Local, runs the Postman
 * collection against that tenant with newman, Postman's own runner, and stops everything again.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { run as runNewman } from 'newman';
import type { NewmanRunOptions, NewmanRunSummary } from 'newman';

import { startLocalServer } from '../local/server';
import { adaptCollection, summariseRun, tenantVariables } from './collection';
import type { ConformanceSummary } from './collection';

export const CONFORMANCE_TENANT = 'conformance';

export interface ConformanceOptions {
  readonly collectionFile: string;
  /** An existing DynamoDB endpoint (a table of its own is created there); else an in-memory DynamoDB Local. */
  readonly dynamoDbEndpoint?: string;
  /** Told where the run goes before it starts, e.g. to print it. */
  readonly onStart?: (tenantUrl: string) => void;
}

const newmanRun = (options: NewmanRunOptions): Promise<NewmanRunSummary> =>
  new Promise((resolve, reject) => {
    runNewman(options, (error, summary) => (error ? reject(error) : resolve(summary)));
  });

/** Loopback by address: `localhost` may resolve to ::1 first, where the server does not listen. */
const loopbackUrl = (url: string): string => {
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  return parsed.toString().replace(/\/+$/, '');
};

export async function runConformance(options: ConformanceOptions): Promise<ConformanceSummary> {
  let text: string;
  try {
    text = await readFile(options.collectionFile, 'utf8');
  } catch (error) {
    throw new Error(
      `Cannot read ${options.collectionFile}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${options.collectionFile} is not JSON.`);
  }
  const collection = adaptCollection(json);

  const dataDir = await mkdtemp(join(tmpdir(), 'scim-conformance-'));
  try {
    const server = await startLocalServer({
      port: 0,
      dataDir,
      tenantId: CONFORMANCE_TENANT,
      logLevel: 'SILENT',
      inMemory: true,
      ...(options.dynamoDbEndpoint === undefined
        ? {}
        : {
            dynamoDbEndpoint: options.dynamoDbEndpoint,
            tableName: `conformance-${randomBytes(6).toString('hex')}`,
          }),
    });
    try {
      const tenantUrl = loopbackUrl(server.tenantUrl);
      options.onStart?.(tenantUrl);
      // newman reads the adapted collection from a file, as it reads any collection.
      const collectionCopy = join(dataDir, 'collection.json');
      await writeFile(collectionCopy, JSON.stringify(collection));
      const summary = await newmanRun({
        collection: collectionCopy,
        envVar: tenantVariables(tenantUrl, server.token),
        reporters: [],
      });
      return summariseRun(summary.run);
    } finally {
      await server.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
