import { describe, expect, it } from '@jest/globals';

import { applyPatch } from '../../../../lambdas/scim/patch/apply';
import type { ResourceSchema } from '../../../../lambdas/scim/schema/types';
import {
  CORE_GROUP_URN,
  CORE_USER_URN,
  ENTERPRISE_USER_URN,
  GROUP_SCHEMA,
  USER_SCHEMA,
} from '../../../../lambdas/scim/schema';
import { expectScimError } from '../../scim-errors';
import { deepFreeze } from './deep-freeze';
import type { PatchFixture } from './fixtures';
import {
  ENTRA_FLAG_FIXTURES,
  ENTRA_LEGACY_FIXTURES,
  ERROR_FIXTURES,
  EXTENSION_BLOCK_FIXTURES,
  GROUP,
  isErrorTarget,
  MEMBER_DISPLAY_FIXTURES,
  OKTA_FIXTURES,
  patchRequest,
  RFC_FIXTURES,
  USER,
  USER_WITH_MANAGER,
  SAME_TYPE_FIXTURES,
  UNKNOWN_SCHEMA_FIXTURES,
  VALUE_REMOVAL_FIXTURES,
  PEER_SUITE_FIXTURES,
  UNDEFINED_ATTRIBUTE_FIXTURES,
} from './fixtures';

const schemaOf = (fixture: PatchFixture): ResourceSchema =>
  fixture.source.schemas.includes(CORE_GROUP_URN) ? GROUP_SCHEMA : USER_SCHEMA;

const runFixture = (fixture: PatchFixture): void => {
  const source = deepFreeze(structuredClone(fixture.source));
  const request = deepFreeze(patchRequest(fixture.ops));
  const { target } = fixture;
  if (isErrorTarget(target)) {
    expectScimError(
      () => applyPatch(source, request, schemaOf(fixture)),
      target.error.status,
      target.error.scimType,
    );
    return;
  }
  const { resource, changed } = applyPatch(source, request, schemaOf(fixture));
  expect(resource).toEqual(target);
  expect(changed).toBe(JSON.stringify(target) !== JSON.stringify(fixture.source));
  expect(source).toEqual(fixture.source);
};

describe('applyPatch', () => {
  describe.each([
    ['RFC 7644 §3.5.2 examples', RFC_FIXTURES],
    ['Entra, legacy dialect', ENTRA_LEGACY_FIXTURES],
    ['Entra, aadOptscim062020 dialect', ENTRA_FLAG_FIXTURES],
    ['Okta', OKTA_FIXTURES],
    ['member display (Okta, Microsoft reference collection)', MEMBER_DISPLAY_FIXTURES],
    ['remove with a value', VALUE_REMOVAL_FIXTURES],
    ['several values of one type', SAME_TYPE_FIXTURES],
    ['unknown schema URNs (Entra custom extensions)', UNKNOWN_SCHEMA_FIXTURES],
    ['whole extension blocks', EXTENSION_BLOCK_FIXTURES],
    ['attributes no schema defines (password, misspellings)', UNDEFINED_ATTRIBUTE_FIXTURES],
    ['errors', ERROR_FIXTURES],
    ["scim-patch's test suite (peer library)", PEER_SUITE_FIXTURES],
  ])('%s', (_title, fixtures) => {
    it.each(fixtures.map((fixture) => [fixture.name, fixture] as const))('%s', (_name, fixture) => {
      runFixture(fixture);
    });
  });

  it('reports changed false and returns an equal copy when nothing changes', () => {
    const source = deepFreeze(structuredClone(USER));
    const result = applyPatch(
      source,
      patchRequest([{ op: 'replace', path: 'title', value: 'Engineer' }]),
      USER_SCHEMA,
    );
    expect(result.changed).toBe(false);
    expect(result.resource).toEqual(USER);
    expect(result.resource).not.toBe(source);
  });

  it('copies only what it writes: untouched branches are shared, the input stays as it was', () => {
    const source = deepFreeze(structuredClone(USER_WITH_MANAGER));
    const result = applyPatch(
      source,
      patchRequest([
        { op: 'replace', path: 'title', value: 'CTO' },
        { op: 'replace', path: `${ENTERPRISE_USER_URN}:department`, value: 'Sales' },
        { op: 'add', path: `${ENTERPRISE_USER_URN}:employeeNumber`, value: '7' },
      ]),
      USER_SCHEMA,
    );
    const before = source[ENTERPRISE_USER_URN] as Record<string, unknown>;
    const after = result.resource[ENTERPRISE_USER_URN] as Record<string, unknown>;
    expect(result.resource.meta).toBe(source.meta);
    expect(result.resource.emails).toBe(source.emails);
    expect(after).not.toBe(before);
    expect(after).toEqual({ ...before, department: 'Sales', employeeNumber: '7' });
    expect(after.manager).toBe(before.manager);
    expect(source).toEqual(USER_WITH_MANAGER);
    // A second PATCH of the result writes to its own copies, never to the first input.
    const again = applyPatch(
      result.resource,
      patchRequest([{ op: 'remove', path: `${ENTERPRISE_USER_URN}:manager` }]),
      USER_SCHEMA,
    );
    expect(again.resource[ENTERPRISE_USER_URN]).toEqual({ department: 'Sales', employeeNumber: '7' });
    expect(after.manager).toEqual({ value: 'm-1' });
  });

  it('never touches meta, even when other attributes change', () => {
    const result = applyPatch(
      USER,
      patchRequest([{ op: 'replace', path: 'title', value: 'CTO' }]),
      USER_SCHEMA,
    );
    expect(result.resource.meta).toEqual(USER.meta);
  });

  it('matches attribute names case-insensitively and writes them in schema casing', () => {
    const result = applyPatch(
      USER,
      patchRequest([{ op: 'replace', path: 'DISPLAYNAME', value: 'A' }]),
      USER_SCHEMA,
    );
    expect(result.resource.displayName).toBe('A');
    expect(Object.keys(result.resource)).not.toContain('DISPLAYNAME');
  });

  it('replaces a differently-cased stored key instead of adding a second one', () => {
    const source = { ...USER, Title: 'Old', title: undefined };
    const result = applyPatch(
      source,
      patchRequest([{ op: 'replace', path: 'title', value: 'New' }]),
      USER_SCHEMA,
    );
    expect(result.resource.title).toBe('New');
    expect(Object.keys(result.resource)).not.toContain('Title');
  });

  it('merges a replace of the same value-path element across operations into one element', () => {
    const result = applyPatch(
      USER,
      patchRequest([
        { op: 'replace', path: 'addresses[type eq "work"].locality', value: 'Oslo' },
        { op: 'replace', path: 'addresses[type eq "home"].locality', value: 'Bergen' },
        { op: 'replace', path: 'addresses[type eq "work"].country', value: 'NO' },
      ]),
      USER_SCHEMA,
    );
    expect(result.resource.addresses).toEqual([
      { type: 'work', locality: 'Oslo', country: 'NO' },
      { type: 'home', locality: 'Bergen' },
    ]);
  });

  it('creates an element from every eq condition of an and filter', () => {
    const result = applyPatch(
      USER,
      patchRequest([
        { op: 'add', path: 'phoneNumbers[type eq "Mobile" and primary eq true].value', value: '555' },
      ]),
      USER_SCHEMA,
    );
    expect(result.resource.phoneNumbers).toEqual([{ type: 'mobile', primary: true, value: '555' }]);
  });

  it('replaces the given sub-attributes of a filtered element, keeping the others (no silent loss)', () => {
    const result = applyPatch(
      USER,
      patchRequest([{ op: 'replace', path: 'emails[type eq "work"]', value: { value: 'new@example.com' } }]),
      USER_SCHEMA,
    );
    expect(result.resource.emails).toEqual([{ value: 'new@example.com', type: 'work', primary: true }]);
  });

  it('adds into a filtered element by merging', () => {
    const result = applyPatch(
      USER,
      patchRequest([{ op: 'add', path: 'emails[type eq "work"]', value: { display: 'Work mail' } }]),
      USER_SCHEMA,
    );
    expect(result.resource.emails).toEqual([
      { value: 'alex@example.com', type: 'work', primary: true, display: 'Work mail' },
    ]);
  });

  it('removes a sub-attribute of a single-valued complex attribute', () => {
    const result = applyPatch(USER, patchRequest([{ op: 'remove', path: 'name.familyName' }]), USER_SCHEMA);
    expect(result.resource.name).toEqual({ givenName: 'Alex' });
  });

  it('removes a sub-attribute only when a given value is the current one', () => {
    const kept = applyPatch(
      USER,
      patchRequest([{ op: 'remove', path: 'name.familyName', value: 'Roe' }]),
      USER_SCHEMA,
    );
    expect(kept.changed).toBe(false);
    const removed = applyPatch(
      USER,
      patchRequest([{ op: 'remove', path: 'name.familyName', value: 'doe' }]),
      USER_SCHEMA,
    );
    expect(removed.resource.name).toEqual({ givenName: 'Alex' });
  });

  it('ignores an add with no value (null)', () => {
    const result = applyPatch(USER, patchRequest([{ op: 'add', path: 'title', value: null }]), USER_SCHEMA);
    expect(result.changed).toBe(false);
  });

  it('accepts a lone member object where a list is expected', () => {
    const result = applyPatch(
      GROUP,
      patchRequest([{ op: 'add', path: 'members', value: { value: 'u-5' } }]),
      GROUP_SCHEMA,
    );
    expect(result.resource.members).toEqual([{ value: 'u-1' }, { value: 'u-2' }, { value: 'u-5' }]);
  });

  it('rejects a readOnly attribute changed through an extension-object key as well', () => {
    expectScimError(
      () =>
        applyPatch(
          USER,
          patchRequest([
            { op: 'replace', value: { 'urn:ietf:params:scim:schemas:core:2.0:User': { id: 'x' } } },
          ]),
          USER_SCHEMA,
        ),
      400,
      'mutability',
    );
  });

  it('accepts a schemas key in a no-path value without changing schemas', () => {
    const result = applyPatch(
      USER,
      patchRequest([{ op: 'replace', value: { schemas: ['urn:whatever'], title: 'CTO' } }]),
      USER_SCHEMA,
    );
    expect(result.resource.schemas).toEqual(USER.schemas);
    expect(result.resource.title).toBe('CTO');
  });

  it('does not reach Object.prototype through attribute-like names', () => {
    const result = applyPatch(
      USER,
      patchRequest([{ op: 'replace', path: 'constructor', value: 'x' }]),
      USER_SCHEMA,
    );
    expect(result.changed).toBe(false);
    expect(Object.hasOwn(result.resource, 'constructor')).toBe(false);
  });

  it('reports the paths it ignored by name, filter values elided, never values; password not at all', () => {
    const ignored = new Set<string>();
    applyPatch(
      USER,
      patchRequest([
        { op: 'replace', path: 'nickname2', value: 'Babs' },
        { op: 'replace', path: 'emails[value eq "secret@example.com"].nope', value: 'x' },
        { op: 'add', value: { costCentre: 'C1', password: 'S3cret!' } },
        { op: 'add', path: 'urn:ietf:params:scim:schemas:extension:Custom:2.0:User:costCode', value: 'X' },
      ]),
      USER_SCHEMA,
      ignored,
    );
    expect([...ignored]).toEqual([
      'nickname2',
      'emails[...].nope',
      'costCentre',
      'urn:ietf:params:scim:schemas:extension:Custom:2.0:User:costCode',
    ]);
  });

  it('clears every attribute of an extension on replace with {"<urn>": null}', () => {
    const result = applyPatch(
      USER_WITH_MANAGER,
      patchRequest([{ op: 'replace', value: { [ENTERPRISE_USER_URN]: null } }]),
      USER_SCHEMA,
    );
    expect(result.resource).toEqual(USER);
  });

  it('adds nothing for add with {"<urn>": null}', () => {
    const result = applyPatch(
      USER,
      patchRequest([{ op: 'add', value: { [ENTERPRISE_USER_URN]: null } }]),
      USER_SCHEMA,
    );
    expect(result.changed).toBe(false);
  });

  it('leaves schemas alone when an extension is touched without being changed', () => {
    const source = { ...USER, schemas: [CORE_USER_URN, ENTERPRISE_USER_URN] };
    const result = applyPatch(
      source,
      patchRequest([{ op: 'Remove', path: `${ENTERPRISE_USER_URN}:manager` }]),
      USER_SCHEMA,
    );
    expect(result.changed).toBe(false);
    expect(result.resource).toEqual(source);
  });

  it('never echoes filter values (personal data) in error details', () => {
    const error = expectScimError(
      () =>
        applyPatch(
          USER,
          patchRequest([{ op: 'replace', path: 'title[value eq "secret@example.com"]', value: 'x' }]),
          USER_SCHEMA,
        ),
      400,
      'invalidPath',
    );
    expect(error.detail).not.toContain('secret@example.com');
    expect(error.detail).toContain('title[...]');
  });
});
