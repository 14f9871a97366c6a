/**
 * Properties of the PATCH interpreter: any request gives a result or a ScimError; the input is never
 * mutated; an add applied twice equals it applied once; `changed` is false exactly when nothing changed.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';

import { isScimError } from '../../../../lambdas/scim/errors';
import type { JsonObject, JsonValue } from '../../../../lambdas/scim/json';
import { applyPatch } from '../../../../lambdas/scim/patch/apply';
import { planGroupPatch } from '../../../../lambdas/scim/patch/members';
import type { ScimResource } from '../../../../lambdas/scim/resource';
import {
  CORE_GROUP_URN,
  CORE_USER_URN,
  ENTERPRISE_USER_URN,
  GROUP_SCHEMA,
  PROFILE_USER_URN,
  USER_SCHEMA,
} from '../../../../lambdas/scim/schema';
import { deepFreeze } from './deep-freeze';
import { patchRequest } from './fixtures';

const word = fc.constantFrom('a', 'B', 'work', 'Paris', 'x@example.com', 'X@EXAMPLE.COM', '42', 'True', '');
const emailType = fc.constantFrom('work', 'home', 'other');

const email = fc.record(
  { value: fc.constantFrom('a@example.com', 'b@example.com'), type: emailType, primary: fc.boolean() },
  { requiredKeys: ['value'] },
);
const address = fc.record(
  { type: emailType, locality: fc.constantFrom('Paris', 'Oslo'), country: fc.constantFrom('FR', 'NO') },
  { requiredKeys: ['type'] },
);

const userArbitrary: fc.Arbitrary<ScimResource> = fc
  .record(
    {
      title: fc.constantFrom('Engineer', 'CTO'),
      displayName: fc.constantFrom('Alex', 'Sam'),
      active: fc.boolean(),
      name: fc.record(
        { givenName: fc.constantFrom('Alex'), familyName: fc.constantFrom('Doe') },
        { requiredKeys: [] },
      ),
      // Unique by value only, so states with several values of one type (two work emails) occur.
      emails: fc.uniqueArray(email, { selector: (element) => element.value, maxLength: 3 }),
      addresses: fc.uniqueArray(address, { selector: (element) => JSON.stringify(element), maxLength: 3 }),
      manager: fc.constantFrom('m-1', 'm-2'),
    },
    { requiredKeys: [] },
  )
  .map(({ manager, name, emails, addresses, ...rest }): ScimResource => {
    const user: ScimResource = {
      schemas: [CORE_USER_URN],
      id: 'u-1',
      userName: 'alex@example.com',
      ...rest,
      ...(name && Object.keys(name).length > 0 ? { name } : {}),
      ...(emails && emails.length > 0 ? { emails: onePrimary(emails) } : {}),
      ...(addresses && addresses.length > 0 ? { addresses } : {}),
    };
    if (manager) {
      user.schemas = [CORE_USER_URN, ENTERPRISE_USER_URN];
      user[ENTERPRISE_USER_URN] = { manager: { value: manager } };
    }
    // A JSON round trip: fast-check may build null-prototype objects, which JSON never holds.
    return JSON.parse(JSON.stringify(user)) as ScimResource;
  });

/** Canonical resources have at most one primary value (RFC 7643 §2.4). */
function onePrimary(elements: JsonObject[]): JsonObject[] {
  let seen = false;
  return elements.map((element) => {
    if (element.primary !== true) return element;
    if (seen) return { ...element, primary: false };
    seen = true;
    return element;
  });
}

const USER_PATHS = [
  'title',
  'displayName',
  'active',
  'userName',
  'id',
  'meta',
  'name',
  'name.givenName',
  'emails',
  'emails[type eq "work"]',
  'emails[type eq "work"].value',
  'emails[type eq "home" and primary eq true].value',
  'emails[value co "example"]',
  'addresses[type eq "work"].locality',
  'addresses[type ne "work"].country',
  `${ENTERPRISE_USER_URN}:manager`,
  'manager[value eq "m-1"]',
  `${ENTERPRISE_USER_URN}:department`,
  `${PROFILE_USER_URN}:peopleManager`,
  'nope',
  'emails[',
];
const userPath = fc.constantFrom(...USER_PATHS);

/**
 * An add through a filter that is not made of `eq` conditions can rewrite what the filter tested
 * (`emails[value co "example"]` with value "a"), after which a second add finds nothing: such adds are
 * not idempotent by nature, so the idempotence property leaves them out.
 */
const idempotentPath = fc.constantFrom(...USER_PATHS.filter((path) => !path.includes(' co ')));

const value: fc.Arbitrary<JsonValue> = fc.oneof(
  word,
  fc.boolean(),
  fc.constant(null),
  fc.integer({ min: -5, max: 5 }),
  fc.array(email, { maxLength: 2 }),
  email,
  fc.record({ value: word }),
  fc.record({ givenName: word, familyName: word }, { requiredKeys: [] }),
);

/** The attribute a path starts at: `emails` for `emails[type eq "work"].value`, `manager` for `<urn>:manager`. */
const rootAttribute = (path: string): string =>
  path
    .replace(/^urn:[^[]*:/, '')
    .split(/[[.]/)[0]
    ?.toLowerCase() ?? '';

/**
 * For the same reason, one request must not both add through a filter and add elements that filter
 * matches: `{"emails[type eq \"work\"]": "a", "emails": {type: "work", ...}}` creates a work email the
 * first time and rewrites both work emails the second. So no two keys of a no-path add share an attribute.
 */
const idempotentAddValue = fc.dictionary(idempotentPath, value, { maxKeys: 3 }).filter((entries) => {
  const roots = Object.keys(entries).map(rootAttribute);
  return new Set(roots).size === roots.length;
});

const opName = fc.constantFrom('add', 'Add', 'replace', 'Replace', 'remove', 'Remove');

const operation: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.record({ op: opName, path: userPath, value }, { requiredKeys: ['op', 'path'] }),
  fc.record({ op: opName, value: fc.dictionary(userPath, value, { maxKeys: 3 }) }),
);

const operations = fc.array(operation, { minLength: 1, maxLength: 4 });

/** Runs `action`; a ScimError is an accepted outcome, anything else thrown fails the property. */
const resultOrScimError = <T>(action: () => T): T | undefined => {
  try {
    return action();
  } catch (error: unknown) {
    if (!isScimError(error)) throw error;
    return undefined;
  }
};

describe('applyPatch properties', () => {
  it('any JSON request gives a result or a ScimError', () => {
    fc.assert(
      fc.property(userArbitrary, fc.jsonValue(), (user, request) => {
        resultOrScimError(() => applyPatch(user, request, USER_SCHEMA));
        resultOrScimError(() =>
          applyPatch(
            user,
            { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: request },
            USER_SCHEMA,
          ),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('never mutates the resource or the request', () => {
    fc.assert(
      fc.property(userArbitrary, operations, (user, ops) => {
        const request = patchRequest(ops);
        const [userCopy, requestCopy] = [structuredClone(user), structuredClone(request)];
        resultOrScimError(() => applyPatch(deepFreeze(user), deepFreeze(request), USER_SCHEMA));
        expect(user).toEqual(userCopy);
        expect(request).toEqual(requestCopy);
      }),
      { numRuns: 500 },
    );
  });

  it('reports changed false exactly when the output deep-equals the input', () => {
    fc.assert(
      fc.property(userArbitrary, operations, (user, ops) => {
        const result = resultOrScimError(() => applyPatch(user, patchRequest(ops), USER_SCHEMA));
        if (result) expect(result.changed).toBe(!isDeepStrictEqual(result.resource, user));
      }),
      { numRuns: 500 },
    );
  });

  it('applying the same add twice equals applying it once', () => {
    const addOperation = fc.oneof(
      fc.record({ op: fc.constantFrom('add', 'Add'), path: idempotentPath, value }),
      fc.record({ op: fc.constant('add'), value: idempotentAddValue }),
    );
    fc.assert(
      fc.property(userArbitrary, addOperation, (user, op) => {
        const request = patchRequest([op]);
        const once = resultOrScimError(() => applyPatch(user, request, USER_SCHEMA));
        fc.pre(once !== undefined);
        const twice = applyPatch(once.resource, request, USER_SCHEMA);
        expect(twice.resource).toEqual(once.resource);
        expect(twice.changed).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe('planGroupPatch properties', () => {
  const memberOps = fc.array(
    fc.record(
      {
        op: opName,
        path: fc.constantFrom(
          'members',
          'members[value eq "a"]',
          'members[type eq "User"]',
          'displayName',
          'members.value',
        ),
        value: fc.oneof(
          value,
          fc.array(
            fc.record(
              {
                value: fc.constantFrom('a', 'b'),
                display: fc.constantFrom('A', 'B'),
                displayName: fc.string(),
              },
              { requiredKeys: ['value'] },
            ),
            { maxLength: 3 },
          ),
        ),
      },
      { requiredKeys: ['op'] },
    ),
    { minLength: 1, maxLength: 4 },
  );

  it('gives a plan or a ScimError and never mutates the group', () => {
    const group: ScimResource = { schemas: [CORE_GROUP_URN], id: 'g-1', displayName: 'Team' };
    fc.assert(
      fc.property(memberOps, (ops) => {
        const source = deepFreeze(structuredClone(group));
        const plan = resultOrScimError(() => planGroupPatch(source, patchRequest(ops), GROUP_SCHEMA));
        expect(source).toEqual(group);
        if (plan) {
          const added = plan.members.add.map((entry) => entry.value);
          expect(new Set(added).size).toBe(added.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});
