/**
 * applyPatch vs the npm library scim-patch on realistic Entra PATCH requests: ops/s and the ratio.
 *
 * Fairness: scim-patch gets the most favourable valid form of each request (JSON booleans instead of
 * Entra's "False", one op per attribute where it does not resolve keys of a no-path value, no `$ref: null`)
 * and runs with mutateDocument: false, i.e. it copies the resource as applyPatch does. applyPatch gets the
 * request exactly as Entra sends it and does more work: it validates the envelope, resolves every path
 * against the schema and normalises every value.
 */
import { isDeepStrictEqual } from 'node:util';
import { performance } from 'node:perf_hooks';
import { scimPatch } from 'scim-patch';
import type { ScimResource as LibraryResource, ScimPatchOperation } from 'scim-patch';

import type { JsonValue } from '../../lambdas/scim/json';
import { isScimError } from '../../lambdas/scim/errors';
import { normaliseResource } from '../../lambdas/scim/normalise';
import { applyPatch, compilePatchRequest } from '../../lambdas/scim/patch';
import type { ScimResource } from '../../lambdas/scim/resource';
import type { ResourceSchema } from '../../lambdas/scim/schema/types';
import {
  CORE_GROUP_URN,
  CORE_USER_URN,
  ENTERPRISE_USER_URN,
  GROUP_SCHEMA,
  PATCH_OP_URN,
  USER_SCHEMA,
} from '../../lambdas/scim/schema';
import type { BenchReporter } from './report';

const META = {
  resourceType: 'User',
  created: '2024-01-01T00:00:00.000Z',
  lastModified: '2024-01-01T00:00:00.000Z',
  version: 'W/"1"',
};

const USER: ScimResource = {
  schemas: [CORE_USER_URN, ENTERPRISE_USER_URN],
  id: '5f3a1c2e-0000-4000-8000-000000000001',
  externalId: 'c1f2e3d4-aaaa-bbbb-cccc-000000000001',
  userName: 'alex.doe@example.com',
  active: true,
  displayName: 'Alex Doe',
  title: 'Engineer',
  preferredLanguage: 'en-US',
  name: { givenName: 'Alex', familyName: 'Doe', formatted: 'Alex Doe' },
  emails: [{ value: 'alex.doe@example.com', type: 'work', primary: true }],
  phoneNumbers: [{ value: '+33 1 00 00 00 00', type: 'work' }],
  [ENTERPRISE_USER_URN]: { department: 'R&D', employeeNumber: '1001', manager: { value: 'm-1' } },
  meta: META,
};

const GROUP: ScimResource = {
  schemas: [CORE_GROUP_URN],
  id: 'g-1',
  displayName: 'Engineering',
  members: Array.from({ length: 20 }, (_, index) => ({ value: `existing-${index}` })),
  meta: { ...META, resourceType: 'Group' },
};

interface Scenario {
  readonly name: string;
  readonly resource: ScimResource;
  readonly schema: ResourceSchema;
  /** As Entra sends it. */
  readonly ours: readonly JsonValue[];
  /** The most favourable valid form for scim-patch. */
  readonly theirs: ScimPatchOperation[];
}

const newMembers = Array.from({ length: 50 }, (_, index) => `u-${index}`);

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'replace active "False"',
    resource: USER,
    schema: USER_SCHEMA,
    ours: [{ op: 'Replace', path: 'active', value: 'False' }],
    theirs: [{ op: 'replace', path: 'active', value: false }],
  },
  {
    name: 'no-path replace of 4 attributes',
    resource: USER,
    schema: USER_SCHEMA,
    ours: [
      {
        op: 'replace',
        value: {
          displayName: 'Pat Lee',
          'name.givenName': 'Pat',
          'emails[type eq "work"].value': 'pat.lee@example.com',
          [`${ENTERPRISE_USER_URN}:employeeNumber`]: '2002',
        },
      },
    ],
    theirs: [
      { op: 'replace', path: 'displayName', value: 'Pat Lee' },
      { op: 'replace', path: 'name.givenName', value: 'Pat' },
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'pat.lee@example.com' },
      { op: 'replace', path: `${ENTERPRISE_USER_URN}:employeeNumber`, value: '2002' },
    ],
  },
  {
    name: 'value-path add to a new work address (2 ops)',
    resource: USER,
    schema: USER_SCHEMA,
    ours: [
      { op: 'Add', path: 'addresses[type eq "work"].locality', value: 'Paris' },
      { op: 'Add', path: 'addresses[type eq "work"].country', value: 'FR' },
    ],
    theirs: [
      { op: 'add', path: 'addresses[type eq "work"].locality', value: 'Paris' },
      { op: 'add', path: 'addresses[type eq "work"].country', value: 'FR' },
    ],
  },
  {
    name: 'member add of 50',
    resource: GROUP,
    schema: GROUP_SCHEMA,
    ours: [{ op: 'Add', path: 'members', value: newMembers.map((value) => ({ $ref: null, value })) }],
    theirs: [{ op: 'add', path: 'members', value: newMembers.map((value) => ({ value })) }],
  },
];

/** Warm-up calls of each implementation before any timing, so both run JIT-compiled code. */
const WARM_UP_CALLS = 3_000;
/** Timed rounds per scenario; each round times both implementations, in alternating order. */
const ROUNDS = 9;
const ROUND_MS = 120;

/** Calls `action` in batches for about ROUND_MS; returns calls per second. */
const rate = (action: () => unknown): number => {
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ROUND_MS) {
    for (let index = 0; index < 50; index += 1) action();
    calls += 50;
    elapsed = performance.now() - start;
  }
  return (calls * 1_000) / elapsed;
};

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/**
 * Medians over interleaved rounds: the machine is shared, so load that comes and goes hits both sides
 * alike instead of whichever happened to run second. The ratio is the median of the per-round ratios.
 */
const compare = (
  ours: () => unknown,
  theirs: () => unknown,
): { ours: number; theirs: number; ratio: number } => {
  for (let index = 0; index < WARM_UP_CALLS; index += 1) {
    ours();
    theirs();
  }
  const oursRates: number[] = [];
  const theirsRates: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const [first, second] = round % 2 === 0 ? [ours, theirs] : [theirs, ours];
    const firstRate = rate(first);
    const secondRate = rate(second);
    const [oursRate, theirsRate] = round % 2 === 0 ? [firstRate, secondRate] : [secondRate, firstRate];
    oursRates.push(oursRate);
    theirsRates.push(theirsRate);
    ratios.push(oursRate / theirsRate);
  }
  return { ours: median(oursRates), theirs: median(theirsRates), ratio: median(ratios) };
};

const format = (value: number): string => Math.round(value).toLocaleString('en-US');

/** Warmed-up calls per second of `action`: the median of ROUNDS rounds. */
const throughput = (action: () => unknown): number => {
  for (let index = 0; index < WARM_UP_CALLS; index += 1) action();
  return median(Array.from({ length: ROUNDS }, () => rate(action)));
};

/** `action` must fail with a SCIM 400: the rejection path is timed, not an accident. */
const rejected = (action: () => unknown): (() => unknown) => {
  try {
    action();
  } catch (error: unknown) {
    if (isScimError(error) && error.status === 400)
      return () => {
        try {
          action();
        } catch (caught: unknown) {
          return caught;
        }
        throw new Error('accepted');
      };
    throw error;
  }
  throw new Error('the scenario was accepted');
};

/** A user as Entra POSTs it: strings for booleans, the enterprise extension, flat and nested forms. */
const ENTRA_USER_POST = {
  schemas: [CORE_USER_URN, ENTERPRISE_USER_URN],
  externalId: 'c1f2e3d4-aaaa-bbbb-cccc-000000000002',
  userName: 'pat.lee@example.com',
  active: 'True',
  displayName: 'Pat Lee',
  title: 'Engineer',
  preferredLanguage: 'en-US',
  name: { givenName: 'Pat', familyName: 'Lee', formatted: 'Pat Lee' },
  emails: [{ primary: true, type: 'work', value: 'pat.lee@example.com' }],
  phoneNumbers: [{ type: 'mobile', value: '+33 6 00 00 00 00' }],
  addresses: [{ type: 'work', locality: 'Paris', country: 'FR', primary: false }],
  [ENTERPRISE_USER_URN]: { department: 'R&D', employeeNumber: '2002', manager: 'm-1' },
};

/** The same user with the forms other clients send: numbers for strings, a legacy manager list. */
const UNUSUAL_USER_POST = {
  ...ENTRA_USER_POST,
  active: true,
  addresses: [{ type: 'Work', postalCode: 75001, country: 'FR' }],
  [ENTERPRISE_USER_URN]: { department: 'R&D', employeeNumber: 2002, manager: [{ value: 'm-1' }] },
};

const VALIDATION_SCENARIOS: readonly (readonly [string, () => unknown])[] = [
  ['normalise an Entra user POST', () => normaliseResource(ENTRA_USER_POST, USER_SCHEMA)],
  [
    'normalise a user POST with numbers and a legacy manager',
    () => normaliseResource(UNUSUAL_USER_POST, USER_SCHEMA),
  ],
  [
    'reject a user POST with a bad value',
    rejected(() => normaliseResource({ ...ENTRA_USER_POST, active: 'maybe' }, USER_SCHEMA)),
  ],
  [
    'compile an Entra PATCH of 5 attributes',
    () =>
      compilePatchRequest(
        {
          schemas: [PATCH_OP_URN],
          Operations: [...(SCENARIOS[0]?.ours ?? []), ...(SCENARIOS[1]?.ours ?? [])],
        },
        USER_SCHEMA,
      ),
  ],
  [
    'compile a PATCH adding 50 members',
    () =>
      compilePatchRequest(
        { schemas: [PATCH_OP_URN], Operations: [...(SCENARIOS.at(-1)?.ours ?? [])] },
        GROUP_SCHEMA,
      ),
  ],
  [
    'reject a PATCH envelope with an unknown op',
    rejected(() =>
      compilePatchRequest(
        { schemas: [PATCH_OP_URN], Operations: [{ op: 'copy', path: 'title', value: 'x' }] },
        USER_SCHEMA,
      ),
    ),
  ],
];

/** Validation alone: the cost of checking and canonicalising what clients send. */
const runValidation = (report: BenchReporter): void => {
  report.section('validation', 'Validation: normalising bodies and compiling PATCH requests');
  report.text(
    'normaliseResource (POST/PUT bodies) and compilePatchRequest (the PatchOp envelope, paths and values), ' +
      `alone: calls per second, warmed up, medians of ${ROUNDS} rounds. The rejections time a 400 answer's ` +
      'whole path, the error wording included.',
  );
  report.table(
    ['scenario', 'calls/s'],
    VALIDATION_SCENARIOS.map(([name, action]) => [name, format(throughput(action))]),
  );
};

export async function run(report: BenchReporter): Promise<void> {
  report.section('patch', 'PATCH: applyPatch against scim-patch');
  report.text(
    'scim-patch gets its most favourable valid input (JSON booleans, one op per attribute, no `$ref: null`) and ' +
      '`mutateDocument: false` (it deep-copies the resource, as applyPatch never mutates its input); applyPatch ' +
      'gets the Entra request as sent and also validates and normalises it. Both start from the same resource ' +
      `and are warmed up; figures are medians of ${ROUNDS} interleaved rounds.`,
  );
  const rows: string[][] = [];
  for (const scenario of SCENARIOS) {
    const request = { schemas: [PATCH_OP_URN], Operations: [...scenario.ours] };
    const ours = () => applyPatch(scenario.resource, request, scenario.schema);
    // scim-patch types meta dates as Date; it never reads meta, so the JSON resource is passed as is.
    const libraryResource = scenario.resource as unknown as LibraryResource;
    const theirs = () =>
      scimPatch(libraryResource, scenario.theirs, { mutateDocument: false, treatMissingAsAdd: true });
    const before = JSON.stringify(scenario.resource);
    const same = isDeepStrictEqual(
      JSON.parse(JSON.stringify(ours().resource)),
      JSON.parse(JSON.stringify(theirs())),
    );
    const result = compare(ours, theirs);
    if (JSON.stringify(scenario.resource) !== before) throw new Error(`${scenario.name}: the input changed`);
    rows.push([
      scenario.name,
      format(result.ours),
      format(result.theirs),
      `${result.ratio.toFixed(2)}x`,
      same ? 'yes' : 'no',
    ]);
  }
  report.table(['scenario', 'applyPatch ops/s', 'scim-patch ops/s', 'ratio', 'same result'], rows);
  runValidation(report);
  await Promise.resolve();
}
