/**
 * One rule for attributes no schema defines, whatever the method: POST (normaliseResource) and PATCH
 * (applyPatch, planGroupPatch) ignore the same names, apply the rest, and report the same names for the
 * tenant's report; only names shaped like attribute names are reported as sent. Unknown attributes inside
 * a PATCH filter and malformed paths stay errors.
 */
import { describe, expect, it } from '@jest/globals';

import type { JsonObject } from '../../../lambdas/scim/json';
import {
  MAX_IGNORED_NAME_LENGTH,
  NOT_AN_ATTRIBUTE_NAME,
  normaliseResource,
  reportableName,
} from '../../../lambdas/scim/normalise';
import { applyPatch, planGroupPatch } from '../../../lambdas/scim/patch';
import { CORE_USER_URN, ENTERPRISE_USER_URN, GROUP_SCHEMA, USER_SCHEMA } from '../../../lambdas/scim/schema';
import { expectScimError } from '../scim-errors';
import { GROUP, USER, patchRequest } from './patch/fixtures';

const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';

/** [the key a mapping sends, its value]: each misspelt or undefined in our schemas. */
const MISSPELT: readonly [string, string][] = [
  ['nickname2', 'Babs'],
  ['name.givenNme', 'Barbara'],
  [`${ENTERPRISE_USER_URN}:costCentre`, 'C1'],
  [`${CUSTOM}:costCode`, 'X1'],
  [`${CORE_USER_URN}:titel`, 'Boss'],
];

describe('POST and PATCH ignore the same undefined attributes', () => {
  it.each(MISSPELT)(
    '"%s": POST 201 without it; PATCH by path and without path change nothing',
    (key, value) => {
      const posted = new Set<string>();
      const created = normaliseResource(
        { userName: 'bjensen', [key]: value, title: 'CEO' },
        USER_SCHEMA,
        posted,
      );
      expect(created).toEqual({ schemas: [CORE_USER_URN], userName: 'bjensen', title: 'CEO' });

      const byPath = new Set<string>();
      const patched = applyPatch(
        USER,
        patchRequest([{ op: 'Replace', path: key, value }]),
        USER_SCHEMA,
        byPath,
      );
      expect(patched).toEqual({ resource: USER, changed: false });

      const withoutPath = new Set<string>();
      const merged = applyPatch(
        USER,
        patchRequest([{ op: 'add', value: { [key]: value, title: 'CEO' } }]),
        USER_SCHEMA,
        withoutPath,
      );
      expect(merged.resource).toEqual({ ...USER, title: 'CEO' });

      expect([...posted]).toEqual([key]);
      expect([...byPath]).toEqual([key]);
      expect([...withoutPath]).toEqual([key]);
    },
  );

  it('a group PATCH reports what a group POST reports', () => {
    const posted = new Set<string>();
    normaliseResource({ displayName: 'Ops', displayNme: 'Ops' }, GROUP_SCHEMA, posted);
    const patched = new Set<string>();
    const plan = planGroupPatch(
      GROUP,
      patchRequest([{ op: 'replace', path: 'displayNme', value: 'x' }]),
      GROUP_SCHEMA,
      patched,
    );
    expect(plan.changed).toBe(false);
    expect([...patched]).toEqual([...posted]);
    expect([...patched]).toEqual(['displayNme']);
  });

  it('an unknown attribute inside a PATCH filter and a malformed path stay errors', () => {
    expectScimError(
      () =>
        applyPatch(
          USER,
          patchRequest([{ op: 'replace', path: 'emails[tpye eq "work"].value', value: 'a@x' }]),
          USER_SCHEMA,
        ),
      400,
      'invalidPath',
    );
    expectScimError(
      () =>
        applyPatch(
          USER,
          patchRequest([{ op: 'replace', path: 'emails[type eq', value: 'a@x' }]),
          USER_SCHEMA,
        ),
      400,
      'invalidPath',
    );
  });
});

describe('reportable names', () => {
  it.each([
    ['nickname2', 'nickname2'],
    ['name.givenNme', 'name.givenNme'],
    ['emails[...].nope', 'emails[...].nope'],
    [`${CUSTOM}:costCode`, `${CUSTOM}:costCode`],
    ['members[...].$ref', 'members[...].$ref'],
    ['jane.doe@example.com', NOT_AN_ATTRIBUTE_NAME],
    ['Jane Doe', NOT_AN_ATTRIBUTE_NAME],
    ['1234', NOT_AN_ATTRIBUTE_NAME],
    ['', NOT_AN_ATTRIBUTE_NAME],
    ['a'.repeat(MAX_IGNORED_NAME_LENGTH), 'a'.repeat(MAX_IGNORED_NAME_LENGTH)],
    ['a'.repeat(MAX_IGNORED_NAME_LENGTH + 1), NOT_AN_ATTRIBUTE_NAME],
  ])('%j -> %j', (name, reported) => {
    expect(reportableName(name)).toBe(reported);
  });

  it('a key holding data is reported as a key, never with what it holds', () => {
    const ignored = new Set<string>();
    const body: JsonObject = { userName: 'a', 'jane.doe@example.com': true, 'Jane Doe': 'x' };
    normaliseResource(body, USER_SCHEMA, ignored);
    expect([...ignored]).toEqual([NOT_AN_ATTRIBUTE_NAME]);
  });
});
