import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ScimError } from '../../../lambdas/scim/errors';
import type { JsonObject, JsonValue } from '../../../lambdas/scim/json';
import {
  ROLE_SEGMENTS,
  SUPPORTED_LOCALES,
  normaliseProfile,
  summariseProfiles,
  type NormalisedProfile,
} from '../../../lambdas/scim/profile';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PROFILE = 'urn:ietf:params:scim:schemas:extension:profile:2.0:User';

/** Arbitrary JSON in the places the normaliser looks, so the property reaches its branches. */
const anyJson = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>;
const textish = fc.oneof(
  fc.string(),
  fc.constantFrom('yes', 'No', 'TRUE', 'fr_FR', 'Sr. Mgr', 'work'),
  anyJson,
);
const complexList = fc.oneof(
  fc.array(fc.dictionary(fc.constantFrom('value', 'type', 'primary', 'locality', 'country'), textish), {
    maxLength: 3,
  }),
  anyJson,
);
const userish: fc.Arbitrary<JsonObject> = fc.record(
  {
    name: fc.oneof(fc.dictionary(fc.constantFrom('givenName', 'familyName'), textish), anyJson),
    emails: complexList,
    addresses: complexList,
    title: textish,
    active: textish,
    locale: textish,
    preferredLanguage: textish,
    [ENTERPRISE]: fc.oneof(
      fc.record({ manager: fc.oneof(textish, fc.array(fc.record({ value: textish }))) }),
      anyJson,
    ),
    [PROFILE]: fc.oneof(
      fc.dictionary(
        fc.constantFrom(
          'managementLevel',
          'businessUnit',
          'jobFunction',
          'peopleManager',
          'managerEmail',
          'office',
        ),
        textish,
      ),
      anyJson,
    ),
    [`${PROFILE}:managementLevel`]: textish,
  },
  { requiredKeys: [] },
);

const normaliseOrScimError = (input: unknown): NormalisedProfile | ScimError => {
  try {
    return normaliseProfile(input as JsonObject, { resolveManagerEmail: (id) => `${id.length}@example.com` });
  } catch (error: unknown) {
    if (error instanceof ScimError) return error;
    throw error;
  }
};

const assertWellFormed = (result: NormalisedProfile): void => {
  const { profile, completeness } = result;
  expect(SUPPORTED_LOCALES).toContain(profile.locale);
  expect(typeof profile.active).toBe('boolean');
  expect(profile.role.recognised).toBe(profile.role.segment !== undefined);
  if (profile.role.segment !== undefined) expect(ROLE_SEGMENTS).toContain(profile.role.segment);
  for (const value of [
    profile.firstName,
    profile.lastName,
    profile.email,
    profile.jobTitle,
    profile.role.raw,
  ]) {
    if (value !== undefined) expect(value).toBe(value.trim());
    if (value !== undefined) expect(value).not.toBe('');
  }
  expect(completeness.missingRequired.includes('email')).toBe(profile.email === undefined);
  expect(completeness.missingRequired.includes('managementLevel')).toBe(profile.role.raw === undefined);
};

describe('normaliseProfile properties', () => {
  it('any JSON value in -> a well-formed profile or a 400 invalidValue ScimError, never another exception', () => {
    fc.assert(
      fc.property(fc.oneof(anyJson, userish), (input) => {
        const result = normaliseOrScimError(input);
        if (result instanceof ScimError) {
          expect(isPlainObject(input)).toBe(false);
          expect([result.status, result.scimType]).toEqual([400, 'invalidValue']);
        } else {
          expect(isPlainObject(input)).toBe(true);
          assertWellFormed(result);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('any set of profiles can be summarised, counting only active users', () => {
    fc.assert(
      fc.property(fc.array(userish, { maxLength: 10 }), (users) => {
        const entries = users.map((user, index) => ({ id: `u-${index}`, profile: normaliseProfile(user) }));
        const report = summariseProfiles(entries);
        const active = entries.filter((entry) => entry.profile.profile.active).length;
        expect([report.activeUsers, report.inactiveUsers]).toEqual([active, users.length - active]);
        for (const count of Object.values(report.missingByField)) expect(count).toBeLessThanOrEqual(active);
        expect(report.usersMissingRequired.length).toBeLessThanOrEqual(active);
      }),
    );
  });

  it('recognises the management level whatever its case and surrounding whitespace', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          'Senior Manager',
          'Vice President',
          'Individual Contributor',
          'Sr. Director',
          'SVP',
          'Exec',
        ),
        fc.func(fc.boolean()),
        fc.constantFrom('', ' ', '\t', '  \n'),
        fc.constantFrom('', ' ', '\t', '  \n'),
        (spelling, upper, before, after) => {
          const mangled = [...spelling]
            .map((c, i) => (upper(i) ? c.toUpperCase() : c.toLowerCase()))
            .join('');
          const expected = normaliseProfile({ [PROFILE]: { managementLevel: spelling } }).profile.role
            .segment;
          const actual = normaliseProfile({ [PROFILE]: { managementLevel: `${before}${mangled}${after}` } })
            .profile.role;
          expect(expected).toBeDefined();
          expect(actual.segment).toBe(expected);
          expect(actual.raw).toBe(mangled);
        },
      ),
    );
  });
});

const isPlainObject = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
