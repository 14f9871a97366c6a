import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';

import { ScimError } from '../../../../lambdas/scim/errors';
import { applyPatch } from '../../../../lambdas/scim/patch/apply';
import { compilePatchRequest, MAX_OPERATIONS, parseEnvelope } from '../../../../lambdas/scim/patch/request';
import {
  CORE_USER_URN,
  ENTERPRISE_USER_URN,
  PATCH_OP_URN,
  USER_SCHEMA,
} from '../../../../lambdas/scim/schema';
import type { ResourceSchema } from '../../../../lambdas/scim/schema/types';
import type { JsonObject } from '../../../../lambdas/scim/json';
import { isJsonObject } from '../../../../lambdas/scim/json';
import { expectScimError } from '../../scim-errors';
import { patchRequest } from './fixtures';

const titleOp = { op: 'replace', path: 'title', value: 'x' };

describe('parseEnvelope', () => {
  it.each([
    ['null', null],
    ['a string', 'Operations'],
    ['an array', [titleOp]],
    ['no schemas', { Operations: [titleOp] }],
    ['schemas not a list', { schemas: PATCH_OP_URN, Operations: [titleOp] }],
    [
      'another message schema',
      { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], Operations: [titleOp] },
    ],
    ['no Operations', { schemas: [PATCH_OP_URN] }],
    ['Operations not a list', { schemas: [PATCH_OP_URN], Operations: titleOp }],
    ['empty Operations', { schemas: [PATCH_OP_URN], Operations: [] }],
    ['an operation that is not an object', patchRequest(['add'])],
    ['an operation without op', patchRequest([{ path: 'title', value: 'x' }])],
    ['an op that is not a string', patchRequest([{ op: 1, path: 'title', value: 'x' }])],
    ['an unknown op', patchRequest([{ op: 'copy', path: 'title', value: 'x' }])],
    ['a path that is not a string', patchRequest([{ op: 'remove', path: ['title'] }])],
  ])('rejects %s with invalidSyntax', (_title, request) => {
    expectScimError(() => parseEnvelope(request), 400, 'invalidSyntax');
  });

  it.each<[string, unknown, string]>([
    ['null', null, 'body: Invalid input: expected object, received null'],
    ['an array', [titleOp], 'body: Invalid input: expected object, received array'],
    ['no schemas', { Operations: [titleOp] }, 'schemas: Invalid input: expected array, received undefined'],
    [
      'another message schema',
      { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], Operations: [titleOp] },
      `schemas: must contain "${PATCH_OP_URN}"`,
    ],
    [
      'a schema that is not a string',
      { schemas: [PATCH_OP_URN, 7], Operations: [titleOp] },
      'schemas.1: Invalid input: expected string, received number',
    ],
    [
      'Operations not a list',
      { schemas: [PATCH_OP_URN], Operations: titleOp },
      'Operations: Invalid input: expected array, received object',
    ],
    [
      // A wrong type is named alone: no length check runs on it.
      'Operations an empty string',
      { schemas: [PATCH_OP_URN], Operations: '' },
      'Operations: Invalid input: expected array, received string',
    ],
    [
      'empty Operations',
      { schemas: [PATCH_OP_URN], Operations: [] },
      'Operations: Too small: expected array to have >=1 items',
    ],
    [
      'an operation that is not an object',
      patchRequest(['add']),
      'Operations.0: Invalid input: expected object, received string',
    ],
    [
      'an op that is not a string',
      patchRequest([{ op: 1, path: 'title', value: 'x' }]),
      'Operations.0.op: Invalid input: expected string, received number',
    ],
    [
      'an unknown op',
      patchRequest([titleOp, { op: 'copy', path: 'title', value: 'x' }]),
      'Operations.1.op: Invalid option: expected one of "add"|"replace"|"remove"',
    ],
    [
      'a path that is not a string',
      patchRequest([{ op: 'remove', path: ['title'] }]),
      'Operations.0.path: Invalid input: expected string, received array',
    ],
    [
      'four problems (the first three are named)',
      { schemas: 'x', Operations: [{ op: 'copy' }, { op: 'move' }, { op: 'swap' }] },
      'schemas: Invalid input: expected array, received string; ' +
        'Operations.0.op: Invalid option: expected one of "add"|"replace"|"remove"; ' +
        'Operations.1.op: Invalid option: expected one of "add"|"replace"|"remove"',
    ],
  ])('words %s exactly', (_title, request, problems) => {
    const error = expectScimError(() => parseEnvelope(request), 400, 'invalidSyntax');
    expect(error.detail).toBe(`Invalid PatchOp request: ${problems}.`);
  });

  it('accepts the PatchOp URN in any case and ops in any case', () => {
    const operations = parseEnvelope({
      schemas: [PATCH_OP_URN.toUpperCase()],
      Operations: [
        { op: 'ADD', path: 'title', value: 'x' },
        { op: 'Replace', path: 'title', value: 'y' },
        { op: 'rEMOVE', path: 'title' },
      ],
    });
    expect(operations.map((operation) => operation.op)).toEqual(['add', 'replace', 'remove']);
  });

  it(`accepts ${MAX_OPERATIONS} operations and answers 413 for one more`, () => {
    const ops = Array.from({ length: MAX_OPERATIONS }, () => titleOp);
    expect(parseEnvelope(patchRequest(ops))).toHaveLength(MAX_OPERATIONS);
    const error = expectScimError(() => parseEnvelope(patchRequest([...ops, titleOp])), 413, undefined);
    expect(error.detail).toContain(String(MAX_OPERATIONS));
  });

  it('never echoes values in its messages', () => {
    const error = expectScimError(
      () => parseEnvelope({ schemas: ['secret@example.com'], Operations: [] }),
      400,
      'invalidSyntax',
    );
    expect(error.detail).not.toContain('secret@example.com');
  });
});

describe('compilePatchRequest', () => {
  it('expands a no-path value into one resolved operation per key', () => {
    const operations = compilePatchRequest(
      patchRequest([
        {
          op: 'Replace',
          value: {
            displayName: 'D',
            'name.givenName': 'G',
            [`${ENTERPRISE_USER_URN}:employeeNumber`]: 7,
            [ENTERPRISE_USER_URN]: { department: 'X' },
          },
        },
      ]),
      USER_SCHEMA,
    );
    expect(
      operations.map(({ op, target, value }) => [
        op,
        target.attribute.name,
        target.subAttribute?.name,
        target.isExtension,
        value,
      ]),
    ).toEqual([
      ['replace', 'displayName', undefined, false, 'D'],
      ['replace', 'name', 'givenName', false, 'G'],
      ['replace', 'employeeNumber', undefined, true, '7'],
      ['replace', 'department', undefined, true, 'X'],
    ]);
  });

  it('treats an empty path as no path', () => {
    expectScimError(
      () => compilePatchRequest(patchRequest([{ op: 'remove', path: ' ' }]), USER_SCHEMA),
      400,
      'noTarget',
    );
    const [operation] = compilePatchRequest(
      patchRequest([{ op: 'add', path: '', value: { title: 'T' } }]),
      USER_SCHEMA,
    );
    expect(operation?.target.attribute.name).toBe('title');
  });

  it('skips null and undefined extension blocks in a no-path value', () => {
    expect(
      compilePatchRequest(patchRequest([{ op: 'add', value: { [ENTERPRISE_USER_URN]: null } }]), USER_SCHEMA),
    ).toEqual([]);
  });

  it('validates every operation before returning any', () => {
    const request = patchRequest([titleOp, { op: 'replace', path: 'active', value: 'nope' }]);
    expect(() => compilePatchRequest(request, USER_SCHEMA)).toThrow(ScimError);
  });

  it('normalises a value-filtered element and a multi-valued list', () => {
    const [element, list] = compilePatchRequest(
      patchRequest([
        { op: 'add', path: 'emails[type eq "work"]', value: { VALUE: 'a@b.c', Type: 'Work' } },
        { op: 'add', path: 'emails', value: { value: 'd@e.f' } },
      ]),
      USER_SCHEMA,
    );
    expect(element?.value).toEqual({ value: 'a@b.c', type: 'work' });
    expect(list?.value).toEqual([{ value: 'd@e.f' }]);
  });
});

describe('resolved target cache', () => {
  const targetOf = (op: JsonObject, schema: ResourceSchema = USER_SCHEMA) =>
    compilePatchRequest(patchRequest([op]), schema)[0]?.target;

  it('resolves a repeated path once per schema', () => {
    const path = 'emails[type eq "work"].value';
    const first = targetOf({ op: 'replace', path, value: 'a@b.c' });
    expect(targetOf({ op: 'add', path, value: 'd@e.f' })).toBe(first);
    expect(first?.subAttribute?.name).toBe('value');
    const otherSchema: ResourceSchema = { ...USER_SCHEMA };
    const other = targetOf({ op: 'replace', path, value: 'a@b.c' }, otherSchema);
    expect(other).not.toBe(first);
    expect(other?.attribute).toBe(first?.attribute);
    expect(other?.text).toBe('emails[...].value');
  });

  it('never lends a no-path readOnly echo to a path operation', () => {
    const user = { schemas: [CORE_USER_URN], id: 'u-1', userName: 'a' };
    // The no-path form may restate id; the path form never writes it, cached or not.
    expect(
      applyPatch(user, patchRequest([{ op: 'replace', value: { id: 'u-1' } }]), USER_SCHEMA).changed,
    ).toBe(false);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      expectScimError(
        () => compilePatchRequest(patchRequest([{ op: 'replace', path: 'id', value: 'u-1' }]), USER_SCHEMA),
        400,
        'mutability',
      );
    }
  });

  it('keeps answering errors for bad paths, and stays correct past its bound', () => {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      expectScimError(() => targetOf({ op: 'remove', path: 'emails[type eq "work"' }), 400, 'invalidPath');
    }
    for (let index = 0; index < 600; index += 1) {
      const target = targetOf({ op: 'remove', path: `emails[value eq "user${index}@example.com"]` });
      expect(target?.matches?.({ value: `USER${index}@example.com` })).toBe(true);
      expect(target?.matches?.({ value: `user${index + 1}@example.com` })).toBe(false);
    }
  });
});

describe('parseEnvelope (properties)', () => {
  const op = fc.oneof(
    fc.constantFrom<unknown>('add', 'Add', 'REPLACE', 'Remove', 'copy', '', 1, null),
    fc.string({ maxLength: 8 }),
  );
  const operation = fc.oneof(
    fc.record(
      {
        op,
        path: fc.oneof(fc.constantFrom<unknown>('title', '', undefined, null, 3, ['title'])),
        value: fc.jsonValue(),
      },
      { requiredKeys: [] },
    ),
    fc.jsonValue({ maxDepth: 1 }),
  );
  const envelope = fc.oneof(
    fc.record(
      {
        schemas: fc.oneof(
          fc.constant<unknown>([PATCH_OP_URN]),
          fc.constantFrom(PATCH_OP_URN.toUpperCase(), 'urn:other', 7).map((uri) => [uri, PATCH_OP_URN]),
          fc
            .constantFrom(PATCH_OP_URN.toLowerCase(), 'urn:ietf:params:scim:api:messages:2.0:Other')
            .map((uri) => [uri]),
          fc.constant<unknown>(PATCH_OP_URN),
          fc.jsonValue({ maxDepth: 1 }),
        ),
        Operations: fc.oneof(fc.array(operation, { maxLength: 4 }), fc.jsonValue({ maxDepth: 1 })),
        id: fc.jsonValue({ maxDepth: 1 }),
      },
      { requiredKeys: [] },
    ),
    fc.jsonValue({ maxDepth: 2 }),
    // Mostly well-formed, so that the properties of accepted envelopes are exercised too.
    fc.record({
      schemas: fc.constant([PATCH_OP_URN]),
      Operations: fc.array(
        fc.record(
          {
            op: fc.constantFrom<unknown>('add', 'Replace', 'REMOVE', 'copy'),
            path: fc.constantFrom<unknown>('title', '', undefined, 3),
            value: fc.jsonValue({ maxDepth: 1 }),
          },
          { requiredKeys: ['op'] },
        ),
        { minLength: 1, maxLength: 4 },
      ),
    }),
  );

  /** The outcome of parseEnvelope: its operations, or the SCIM error it threw (anything else fails). */
  const outcome = (
    request: unknown,
  ): { readonly operations: ReturnType<typeof parseEnvelope> } | { readonly error: ScimError } => {
    try {
      return { operations: parseEnvelope(request) };
    } catch (error: unknown) {
      if (!(error instanceof ScimError)) throw error;
      return { error };
    }
  };

  it('answers any body with operations or a 400 invalidSyntax naming at most three problems', () => {
    fc.assert(
      fc.property(envelope, (request) => {
        const result = outcome(request);
        if ('error' in result) {
          expect([result.error.status, result.error.scimType]).toEqual([400, 'invalidSyntax']);
          expect(result.error.detail).toMatch(/^Invalid PatchOp request: [^;]+(; [^;]+){0,2}\.$/);
        }
      }),
      { numRuns: 3_000 },
    );
  });

  it('keeps each operation, op lower-cased, path and value as given and nothing else', () => {
    fc.assert(
      fc.property(envelope, (request) => {
        const result = outcome(request);
        if (!('operations' in result) || !isJsonObject(request)) return;
        const given = request.Operations as JsonObject[];
        expect(result.operations).toHaveLength(given.length);
        result.operations.forEach((raw, index) => {
          const operation = given[index];
          expect(raw.op).toBe(typeof operation.op === 'string' && operation.op.toLowerCase());
          expect(Object.keys(raw)).toEqual(['op', ...['path', 'value'].filter((key) => key in operation)]);
          if ('path' in operation) expect(raw.path).toBe(operation.path);
          if ('value' in operation) expect(raw.value).toBe(operation.value);
        });
      }),
      { numRuns: 3_000 },
    );
  });

  it('is idempotent: the operations it returns, sent again, come back the same', () => {
    fc.assert(
      fc.property(envelope, (request) => {
        const result = outcome(request);
        if (!('operations' in result)) return;
        expect(parseEnvelope({ schemas: [PATCH_OP_URN], Operations: result.operations })).toStrictEqual(
          result.operations,
        );
      }),
      { numRuns: 3_000 },
    );
  });

  it('handles the Entra envelope itself', () => {
    const request = patchRequest([
      { op: 'Replace', path: 'active', value: 'False' },
      { op: 'remove', path: 'members' },
    ]);
    expect(parseEnvelope(request)).toStrictEqual([
      { op: 'replace', path: 'active', value: 'False' },
      { op: 'remove', path: 'members' },
    ]);
  });
});
