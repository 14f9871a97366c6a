/**
 * HTTP benchmark:
 * 1. The local server (same handlers as the Lambdas, DynamoDB Local in memory) under autocannon on
 *    loopback, ~5 s per scenario: Entra's filter-by-userName, GET by id, and PATCH (replace title).
 *    DynamoDB Local is much slower than DynamoDB, so these figures bound our own overhead from above.
 * 2. Per handler: the minified bundle (esbuild, bundle + minify, platform node, target node22, AWS SDK
 *    inside, as the CDK stack bundles it) and the time to import it in a fresh Node process, next to a
 *    bundle of only the AWS SDK clients that handler uses. The difference is our own cold-start cost;
 *    the target is under 20% added.
 * BENCH_HTTP_PART=bundles runs only part 2, BENCH_HTTP_PART=throughput only part 1; unset runs both.
 */
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startLocalServer } from '../../bin/local/server';
import { HANDLER_BUNDLES, MAX_ADDED_OVER_SDK, bundleBytes } from './handler-bundles';
import type { BenchReporter } from './report';

const DURATION_SECONDS = 5;
const IMPORT_RUNS = 25;

interface Scenario {
  readonly name: string;
  readonly method: 'GET' | 'PATCH';
  readonly path: string;
  readonly body?: string;
  /** A fresh body per request, so that every PATCH really changes the user (a repeated one is a no-op). */
  readonly nextBody?: () => string;
  readonly connections: number;
}

async function runScenario(baseUrl: string, token: string, scenario: Scenario): Promise<string[]> {
  const result = await autocannon({
    url: `${baseUrl}${scenario.path}`,
    method: scenario.method,
    connections: scenario.connections,
    duration: DURATION_SECONDS,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
    ...(scenario.body !== undefined ? { body: scenario.body } : {}),
    ...(scenario.nextBody !== undefined
      ? { requests: [{ setupRequest: (request) => ({ ...request, body: scenario.nextBody?.() }) }] }
      : {}),
  });
  return [
    scenario.name,
    String(scenario.connections),
    result.requests.average.toFixed(0),
    `${result.latency.p50} ms`,
    `${result.latency.p99} ms`,
    String(result.non2xx + result.errors),
  ];
}

async function throughput(report: BenchReporter): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'scim-bench-'));
  const server = await startLocalServer({
    port: 0,
    dataDir,
    tenantId: 'bench',
    logLevel: 'SILENT',
    inMemory: true,
  });
  try {
    const headers = { authorization: `Bearer ${server.token}`, 'content-type': 'application/scim+json' };
    const post = async (userName: string): Promise<string> => {
      const response = await fetch(`${server.tenantUrl}/Users`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ userName, name: { givenName: 'Bench', familyName: 'User' }, active: true }),
      });
      const body = (await response.json()) as { id: string };
      return body.id;
    };
    // A tenant of a few hundred users; the lookups must not depend on its size.
    for (let start = 0; start < 300; start += 25) {
      await Promise.all(Array.from({ length: 25 }, (_, index) => post(`seed${start + index}@bench.example`)));
    }
    const id = await post('target@bench.example');
    const base = `${server.url}/tenants/bench/scim/v2`;
    let patchCount = 0;
    const scenarios: Scenario[] = [
      {
        name: 'GET /Users?filter=userName eq',
        method: 'GET',
        path: '/Users?filter=userName+eq+%22target%40bench.example%22',
        connections: 10,
      },
      { name: 'GET /Users/{id}', method: 'GET', path: `/Users/${id}`, connections: 10 },
      {
        name: 'PATCH /Users/{id} (one user, a new title each time)',
        method: 'PATCH',
        path: `/Users/${id}`,
        nextBody: () =>
          JSON.stringify({
            schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
            Operations: [{ op: 'Replace', path: 'title', value: `Bench ${(patchCount += 1)}` }],
          }),
        // Every request updates the same item: few connections, or version conflicts dominate.
        connections: 2,
      },
    ];
    const rows: string[][] = [];
    for (const scenario of scenarios) rows.push(await runScenario(base, server.token, scenario));
    report.section('http-throughput', 'Local server: throughput and latency');
    report.text(
      'The same handlers as the Lambdas behind the local server, on DynamoDB Local in memory, under ' +
        `autocannon on loopback, ${DURATION_SECONDS} s per scenario, in a tenant of 300 users. DynamoDB ` +
        'Local is much slower than DynamoDB, so these figures bound our own overhead from above.',
    );
    report.table(['scenario', 'connections', 'req/s', 'p50', 'p99', 'non-2xx'], rows);
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Milliseconds to require `file` in a fresh Node process (the cold-start import cost). */
function importMilliseconds(file: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6));`;
  // The environment each handler's config requires at import (discovery names the functions it hands off to).
  const env = {
    ...process.env,
    TABLE_NAME: 'bench-table',
    AWS_REGION: 'eu-west-1',
    LOG_LEVEL: 'SILENT',
    USERS_FUNCTION_NAME: 'bench-users',
    GROUPS_FUNCTION_NAME: 'bench-groups',
  };
  return Number(
    execFileSync(process.execPath, ['-e', script], { env, stdio: ['ignore', 'pipe', 'ignore'] }).toString(),
  );
}

const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/**
 * Median import times of two bundles, measured alternately (ours, SDK-only, ours, ...) so that a change
 * in machine load during the run weighs on both alike.
 */
function interleavedImportMilliseconds(ours: string, sdkOnly: string): [number, number] {
  const oursTimes: number[] = [];
  const sdkTimes: number[] = [];
  for (let run = 0; run < IMPORT_RUNS; run += 1) {
    oursTimes.push(importMilliseconds(ours));
    sdkTimes.push(importMilliseconds(sdkOnly));
  }
  return [median(oursTimes), median(sdkTimes)];
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`;
const added = (ours: number, sdk: number): string => `${(((ours - sdk) / sdk) * 100).toFixed(1)}%`;

async function coldStart(report: BenchReporter): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'scim-bundles-'));
  try {
    const rows: string[][] = [];
    for (const handler of HANDLER_BUNDLES) {
      const oursFile = join(dir, `${handler.name}.js`);
      const sdkFile = join(dir, `${handler.name}-sdk-only.js`);
      const oursBytes = await bundleBytes(oursFile, { entry: handler.entry });
      const sdkBytes = await bundleBytes(sdkFile, { contents: handler.sdkOnly });
      const [oursMs, sdkMs] = interleavedImportMilliseconds(oursFile, sdkFile);
      rows.push([
        handler.name,
        kib(oursBytes),
        kib(sdkBytes),
        added(oursBytes, sdkBytes),
        `${oursMs.toFixed(0)} ms`,
        `${sdkMs.toFixed(0)} ms`,
        added(oursMs, sdkMs),
      ]);
    }
    await writeFile(join(dir, '.done'), '');
    report.section('http-bundles', 'Cold-start cost per handler');
    report.text(
      'Each handler bundled as the stack bundles it (esbuild bundle + minify, node22, AWS SDK inside), next ' +
        'to a bundle of only the AWS SDK clients it uses; import is the median of ' +
        `${IMPORT_RUNS} fresh processes each, ours and SDK-only alternating. Target: under ` +
        `${MAX_ADDED_OVER_SDK * 100}% added over the SDK clients alone (in bytes, also enforced by ` +
        '`test/infra/bundling.test.ts`).',
    );
    report.table(
      ['handler', 'bundle', 'SDK-only bundle', 'added', 'import', 'SDK-only import', 'added'],
      rows,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(report: BenchReporter): Promise<void> {
  const part = process.env.BENCH_HTTP_PART;
  if (part !== undefined && part !== 'bundles' && part !== 'throughput') {
    throw new Error(`BENCH_HTTP_PART must be "bundles" or "throughput", not "${part}".`);
  }
  if (part !== 'throughput') await coldStart(report);
  if (part !== 'bundles') await throughput(report);
}
