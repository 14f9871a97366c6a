/**
 * Filter parser and evaluator throughput on the filters Entra sends, against the npm library
 * scim2-parse-filter on the same inputs. `npm run bench -- filter`.
 * Each measurement: a warm-up, then a timed loop (process.hrtime.bigint) of whole batches.
 */
import { filter as theirFilter, parse as theirParse } from 'scim2-parse-filter';
import { compileFilter, evaluateFilter } from '../../lambdas/scim/filter/evaluate';
import { parseFilter } from '../../lambdas/scim/filter/parser';
import type { JsonObject } from '../../lambdas/scim/json';
import { USER_SCHEMA } from '../../lambdas/scim/schema';
import type { BenchReporter } from './report';

const WARM_UP_MS = 150;
const MEASURE_MS = 500;
const BATCH = 500;

const USER: JsonObject = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  id: 'c3a8f2e0-7d53-4c1c-a7f4-b0e7ed0ff3e1',
  externalId: '5d2c7a10-4b0a-4e0c-9d2e-8b4f5a4e1c55',
  userName: 'Ada.Lovelace@Contoso.com',
  displayName: 'Ada Lovelace',
  active: true,
  title: 'Engineer',
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [
    { value: 'ada.lovelace@contoso.com', type: 'work', primary: true },
    { value: 'ada@example.org', type: 'home' },
  ],
  addresses: [{ type: 'work', locality: 'London', country: 'GB' }],
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {
    department: 'R&D',
    manager: { value: 'm-1' },
  },
  meta: { resourceType: 'User', created: '2024-01-01T00:00:00Z', lastModified: '2024-02-01T10:00:00Z' },
};

const CASES: readonly { readonly name: string; readonly filter: string }[] = [
  { name: 'userName eq', filter: 'userName eq "ada.lovelace@contoso.com"' },
  { name: 'externalId eq', filter: 'externalId eq "5d2c7a10-4b0a-4e0c-9d2e-8b4f5a4e1c55"' },
  { name: 'emails[type eq].value eq', filter: 'emails[type eq "work"].value eq "ada.lovelace@contoso.com"' },
  {
    name: 'and/or/not + value path',
    filter:
      'active eq true and (title sw "Eng" or displayName co "love") and not (userType eq "Intern") and emails[type eq "work" and value ew "@contoso.com"]',
  },
];

let sink = 0;

/** Operations per second of `operation`, or undefined when it throws (unsupported input). */
const opsPerSecond = (operation: () => unknown): number | undefined => {
  try {
    operation();
  } catch {
    return undefined;
  }
  const loop = (durationMs: number): { count: number; elapsedNs: bigint } => {
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(durationMs) * 1_000_000n;
    let count = 0;
    let now = start;
    while (now < deadline) {
      for (let index = 0; index < BATCH; index += 1) {
        if (operation()) sink += 1;
      }
      count += BATCH;
      now = process.hrtime.bigint();
    }
    return { count, elapsedNs: now - start };
  };
  loop(WARM_UP_MS);
  const { count, elapsedNs } = loop(MEASURE_MS);
  return (count * 1e9) / Number(elapsedNs);
};

const outcome = (operation: () => boolean): string => {
  try {
    return String(operation());
  } catch (error: unknown) {
    return `error: ${error instanceof Error ? error.message.slice(0, 40) : 'unknown'}`;
  }
};

const formatOps = (ops: number | undefined): string =>
  ops === undefined ? 'unsupported' : Math.round(ops).toLocaleString('en-US');
const formatRatio = (ours: number | undefined, theirs: number | undefined): string =>
  ours === undefined || theirs === undefined ? 'n/a' : `${(ours / theirs).toFixed(2)}x`;

export async function run(report: BenchReporter): Promise<void> {
  report.section('filter', 'Filters: ours against scim2-parse-filter');
  report.text(
    `The filters Entra sends, on one sample user; each measurement is a ${WARM_UP_MS} ms warm-up, then a ` +
      `${MEASURE_MS} ms timed loop, ours then theirs. \`scim2-parse-filter\` matches \`userName\` ` +
      'case-sensitively, so it misses `Ada.Lovelace@Contoso.com` for `ada.lovelace@contoso.com`, which Entra ' +
      'needs to match (the "result" rows).',
  );
  const rows: string[][] = [];
  for (const { name, filter } of CASES) {
    const compiled = compileFilter(parseFilter(filter), USER_SCHEMA);
    const measurements = [
      {
        step: 'parse',
        ours: opsPerSecond(() => parseFilter(filter)),
        theirs: opsPerSecond(() => theirParse(filter)),
      },
      {
        step: 'parse+evaluate',
        ours: opsPerSecond(() => evaluateFilter(parseFilter(filter), USER, USER_SCHEMA)),
        theirs: opsPerSecond(() => theirFilter(theirParse(filter))(USER)),
      },
      // What the store does: compile once per request, test each candidate item.
      { step: 'evaluate (precompiled)', ours: opsPerSecond(() => compiled(USER)), theirs: undefined },
    ];
    for (const { step, ours, theirs } of measurements) {
      rows.push([name, step, formatOps(ours), formatOps(theirs), formatRatio(ours, theirs)]);
    }
    rows.push([
      name,
      'result on the sample user',
      outcome(() => evaluateFilter(parseFilter(filter), USER, USER_SCHEMA)),
      outcome(() => theirFilter(theirParse(filter))(USER)),
      '',
    ]);
    await new Promise((resolve) => setImmediate(resolve));
  }
  report.table(['filter', 'step', 'ours ops/s', 'theirs ops/s', 'ours/theirs'], rows);
  if (sink < 0) report.text(String(sink));
}
