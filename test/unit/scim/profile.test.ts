import { describe, expect, it, jest } from '@jest/globals';
import { ScimError } from '../../../lambdas/scim/errors';
import type { JsonObject, JsonValue } from '../../../lambdas/scim/json';
import {
  createManagerEmailResolver,
  normaliseProfile,
  type NormalisedProfile,
  type ProfileWarning,
} from '../../../lambdas/scim/profile';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PROFILE = 'urn:ietf:params:scim:schemas:extension:profile:2.0:User';

/** A canonical User with every profile field set. */
const completeUser = (): JsonObject => ({
  schemas: [CORE, ENTERPRISE, PROFILE],
  id: 'u-1',
  externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
  userName: 'jane.doe@example.com',
  name: { givenName: 'Jane', familyName: 'Doe', formatted: 'Jane Doe' },
  title: 'Solutions Engineer',
  active: true,
  locale: 'en-US',
  emails: [{ value: 'jane.doe@example.com', type: 'work', primary: true }],
  addresses: [{ type: 'work', locality: 'Atlanta', country: 'US' }],
  [ENTERPRISE]: { department: 'Sales', manager: { value: 'u-9' } },
  [PROFILE]: {
    managementLevel: 'Director',
    businessUnit: 'Consulting',
    jobFunction: 'Engineering',
    peopleManager: true,
    managerEmail: 'boss@example.com',
    office: 'HQ',
  },
  meta: {
    resourceType: 'User',
    created: '2024-01-01T00:00:00Z',
    lastModified: '2024-01-01T00:00:00Z',
    version: 'W/"1"',
  },
});

const withAttributes = (attributes: JsonObject): JsonObject => ({ ...completeUser(), ...attributes });
const withProfile = (attributes: JsonObject): JsonObject => {
  const user = completeUser();
  return { ...user, [PROFILE]: { ...(user[PROFILE] as JsonObject), ...attributes } };
};

const warningsOf = (result: NormalisedProfile): ProfileWarning[] => result.completeness.warnings;
const codesOf = (result: NormalisedProfile): string[] =>
  warningsOf(result).map((w) => `${w.field}:${w.code}`);

describe('normaliseProfile: a complete canonical User', () => {
  it('reads every field from its SCIM attribute and reports nothing missing', () => {
    expect(normaliseProfile(completeUser())).toEqual({
      profile: {
        firstName: 'Jane',
        lastName: 'Doe',
        email: 'jane.doe@example.com',
        role: { segment: 'Director', raw: 'Director', recognised: true },
        jobTitle: 'Solutions Engineer',
        businessUnit: 'Consulting',
        jobFunction: 'Engineering',
        peopleManager: true,
        managerEmail: 'boss@example.com',
        location: { city: 'Atlanta', country: 'US', office: 'HQ' },
        locale: 'en-US',
        active: true,
      },
      completeness: { missingRequired: [], missingRecommended: [], missingOptional: [], warnings: [] },
    });
  });
});

describe('normaliseProfile: Entra request shapes (docs/providers.md)', () => {
  it("Entra's create body without profile mappings: valid, with every gap listed", () => {
    const result = normaliseProfile({
      schemas: [CORE, ENTERPRISE],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'Test_User_fd0ea19b@testuser.com' }],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
    });
    expect(result.profile).toMatchObject({
      firstName: 'givenName',
      lastName: 'familyName',
      email: 'Test_User_fd0ea19b@testuser.com',
      role: { segment: undefined, raw: undefined, recognised: false },
      locale: 'en-US',
      active: true,
    });
    expect(result.completeness).toEqual({
      missingRequired: ['managementLevel'],
      missingRecommended: ['jobTitle', 'businessUnit', 'jobFunction', 'peopleManager', 'managerEmail'],
      missingOptional: ['location', 'locale'],
      warnings: [],
    });
  });

  it('reads flattened extension attributes (the URN not listed in schemas), nulls as absent', () => {
    const result = normaliseProfile({
      schemas: [CORE],
      userName: 'a@example.com',
      name: { givenName: 'A', familyName: null },
      [`${PROFILE}:managementLevel`]: 'Senior Vice President',
      [`${PROFILE}:peopleManager`]: 'Yes',
      [`${PROFILE}:businessUnit`]: null,
      active: 'True',
    });
    expect(result.profile.role).toEqual({ segment: 'SVP', raw: 'Senior Vice President', recognised: true });
    expect(result.profile.peopleManager).toBe(true);
    expect(result.profile.businessUnit).toBeUndefined();
    expect(result.profile.lastName).toBeUndefined();
    expect(result.profile.active).toBe(true);
    expect(result.completeness.missingRequired).toEqual(['lastName', 'email']);
  });

  it('prefers the nested extension value over a flattened one', () => {
    const user = withProfile({ managementLevel: 'VP' });
    user[`${PROFILE}:managementLevel`] = 'Intern';
    expect(normaliseProfile(user).profile.role.segment).toBe('VP');
  });

  it('matches attribute names and extension URNs case-insensitively', () => {
    const result = normaliseProfile({
      Name: { GivenName: 'Jane', familyname: 'Doe' },
      EMAILS: [{ Value: 'j@example.com', Type: 'Work' }],
      [PROFILE.toUpperCase()]: { MANAGEMENTLEVEL: 'ic' },
      Active: false,
    });
    expect(result.profile).toMatchObject({
      firstName: 'Jane',
      lastName: 'Doe',
      email: 'j@example.com',
      role: { segment: 'Individual Contributor', raw: 'ic', recognised: true },
      active: false,
    });
  });
});

describe('normaliseProfile: names and text fields', () => {
  it.each([
    ['trimmed', { givenName: '  Jane ', familyName: 'Doe\n' }, 'Jane', 'Doe'],
    ['empty strings are missing', { givenName: '', familyName: '   ' }, undefined, undefined],
    ['absent sub-attributes are missing', { formatted: 'Jane Doe' }, undefined, undefined],
  ] as const)('%s', (_label, name, firstName, lastName) => {
    const result = normaliseProfile(withAttributes({ name }));
    expect([result.profile.firstName, result.profile.lastName]).toEqual([firstName, lastName]);
    expect(result.completeness.missingRequired).toEqual(
      [firstName === undefined ? 'firstName' : [], lastName === undefined ? 'lastName' : []].flat(),
    );
  });

  it('ignores a name that is not complex, with a warning per field', () => {
    const result = normaliseProfile(withAttributes({ name: 'Jane Doe' }));
    expect(result.completeness.missingRequired).toEqual(['firstName', 'lastName']);
    expect(codesOf(result)).toEqual(['firstName:wrongType', 'lastName:wrongType']);
  });

  it('takes a number as its text and ignores other types with a warning', () => {
    const result = normaliseProfile(
      withAttributes({ title: 42, name: { givenName: true, familyName: ['Doe'] } }),
    );
    expect(result.profile.jobTitle).toBe('42');
    expect(result.profile.firstName).toBeUndefined();
    expect(codesOf(result)).toEqual(['firstName:wrongType', 'lastName:wrongType']);
  });

  it.each([
    ['title', 'jobTitle', 'Solutions Engineer'],
    ['businessUnit', 'businessUnit', 'Consulting'],
    ['jobFunction', 'jobFunction', 'Engineering'],
  ] as const)('%s -> %s, and its absence is a missing recommended field', (_attribute, field, value) => {
    expect(normaliseProfile(completeUser()).profile[field]).toBe(value);
    const user = field === 'jobTitle' ? withAttributes({ title: null }) : withProfile({ [field]: null });
    const result = normaliseProfile(user);
    expect(result.profile[field]).toBeUndefined();
    expect(result.completeness.missingRecommended).toEqual([field]);
  });
});

describe('normaliseProfile: email', () => {
  const email = (emails: JsonValue): string | undefined =>
    normaliseProfile(withAttributes({ emails })).profile.email;

  it.each([
    [
      'the work email over a primary one of another type',
      [
        { value: 'home@example.com', type: 'home', primary: true },
        { value: 'work@example.com', type: 'work' },
      ],
      'work@example.com',
    ],
    [
      'the primary work email among several work emails',
      [
        { value: 'w1@example.com', type: 'work' },
        { value: 'w2@example.com', type: 'work', primary: true },
      ],
      'w2@example.com',
    ],
    [
      'the work type in any case',
      [
        { value: 'x@example.com', type: 'other' },
        { value: 'w@example.com', type: 'Work' },
      ],
      'w@example.com',
    ],
    [
      'else the primary email',
      [
        { value: 'other@example.com', type: 'other' },
        { value: 'primary@example.com', type: 'home', primary: true },
      ],
      'primary@example.com',
    ],
    [
      'a primary given as the string "True"',
      [{ value: 'a@example.com' }, { value: 'b@example.com', primary: 'True' }],
      'b@example.com',
    ],
    [
      'else the first email',
      [{ value: 'first@example.com' }, { value: 'second@example.com', type: 'home' }],
      'first@example.com',
    ],
    [
      'skipping a work element without a value',
      [
        { type: 'work', value: '' },
        { value: 'p@example.com', primary: true },
      ],
      'p@example.com',
    ],
    ['trimmed', [{ value: '  w@example.com ', type: 'work' }], 'w@example.com'],
    ['none when the list is empty', [], undefined],
    ['none when emails is null', null, undefined],
  ] as const)('%s', (_label, emails, expected) => {
    expect(email(emails as JsonValue)).toBe(expected);
  });

  it('reports a missing email as a missing required field', () => {
    expect(normaliseProfile(withAttributes({ emails: [] })).completeness.missingRequired).toEqual(['email']);
  });

  it.each([
    ['emails is not a list', { value: 'w@example.com' }, undefined],
    ['an element is not complex', ['w@example.com', { value: 'ok@example.com' }], 'ok@example.com'],
    [
      'a value is not a string',
      [{ value: { x: 1 }, type: 'work' }, { value: 'ok@example.com' }],
      'ok@example.com',
    ],
  ] as const)('ignores bad shapes with a warning: %s', (_label, emails, expected) => {
    const result = normaliseProfile(withAttributes({ emails: emails as JsonValue }));
    expect(result.profile.email).toBe(expected);
    expect(codesOf(result)).toEqual(['email:wrongType']);
  });
});

describe('normaliseProfile: management level -> Role segment', () => {
  it.each([
    ['Sr. Mgr', 'Sr. Manager'],
    ['Vice President', 'VP'],
    ['Chief Executive Officer', 'Executive'],
  ] as const)('recognises %j as %s and keeps the raw value', (raw, segment) => {
    const result = normaliseProfile(withProfile({ managementLevel: raw }));
    expect(result.profile.role).toEqual({ segment, raw, recognised: true });
    expect(warningsOf(result)).toEqual([]);
  });

  it('keeps an unrecognised value, flagged with the value', () => {
    const result = normaliseProfile(withProfile({ managementLevel: ' Principal Engineer ' }));
    expect(result.profile.role).toEqual({ segment: undefined, raw: 'Principal Engineer', recognised: false });
    expect(result.completeness.missingRequired).toEqual([]);
    expect(warningsOf(result)).toEqual([
      expect.objectContaining({
        field: 'managementLevel',
        code: 'unrecognisedRole',
        value: 'Principal Engineer',
      }),
    ]);
  });

  it('keeps a numeric grade as text, flagged as unrecognised', () => {
    const result = normaliseProfile(withProfile({ managementLevel: 7 }));
    expect(result.profile.role).toEqual({ segment: undefined, raw: '7', recognised: false });
    expect(codesOf(result)).toEqual(['managementLevel:unrecognisedRole']);
  });

  it.each([null, '', '   '])('treats %j as missing (required)', (managementLevel) => {
    const result = normaliseProfile(withProfile({ managementLevel }));
    expect(result.profile.role).toEqual({ segment: undefined, raw: undefined, recognised: false });
    expect(result.completeness.missingRequired).toEqual(['managementLevel']);
    expect(warningsOf(result)).toEqual([]);
  });

  it('ignores a non-text management level with a warning', () => {
    const result = normaliseProfile(withProfile({ managementLevel: { value: 'Director' } }));
    expect(result.profile.role.raw).toBeUndefined();
    expect(result.completeness.missingRequired).toEqual(['managementLevel']);
    expect(codesOf(result)).toEqual(['managementLevel:wrongType']);
  });
});

describe('normaliseProfile: people manager status', () => {
  it.each([
    [true, true],
    [false, false],
    ['yes', true],
    ['Yes', true],
    ['YES', true],
    [' no ', false],
    ['No', false],
    ['true', true],
    ['TRUE', true],
    ['False', false],
  ] as const)('%j -> %s', (peopleManager, expected) => {
    const result = normaliseProfile(withProfile({ peopleManager }));
    expect(result.profile.peopleManager).toBe(expected);
    expect(warningsOf(result)).toEqual([]);
  });

  it.each([null, ''])('%j is missing (recommended), without a warning', (peopleManager) => {
    const result = normaliseProfile(withProfile({ peopleManager }));
    expect(result.profile.peopleManager).toBeUndefined();
    expect(result.completeness.missingRecommended).toEqual(['peopleManager']);
    expect(warningsOf(result)).toEqual([]);
  });

  // The SCIM layer rejects these with invalidValue; a stored one is flagged, not thrown, and not echoed.
  it.each(['maybe', 'y', 1, 0, {}, ['yes']])(
    '%j is ignored with a warning that does not echo it',
    (peopleManager) => {
      const result = normaliseProfile(withProfile({ peopleManager }));
      expect(result.profile.peopleManager).toBeUndefined();
      expect(result.completeness.missingRecommended).toEqual(['peopleManager']);
      expect(warningsOf(result)).toEqual([
        { field: 'peopleManager', code: 'invalidPeopleManager', detail: expect.any(String) },
      ]);
    },
  );
});

describe('normaliseProfile: manager email', () => {
  const withoutManagerEmail = (manager: JsonValue | undefined): JsonObject => {
    const user = withProfile({ managerEmail: null });
    user[ENTERPRISE] = manager === undefined ? { department: 'Sales' } : { manager };
    return user;
  };
  const directory = (managerId: string): string | undefined =>
    ({ 'u-9': 'boss@example.com', 'u-blank': '  ' })[managerId];

  it('uses the mapped managerEmail and does not call the resolver', () => {
    const resolveManagerEmail = jest.fn(directory);
    const result = normaliseProfile(completeUser(), { resolveManagerEmail });
    expect(result.profile.managerEmail).toBe('boss@example.com');
    expect(resolveManagerEmail).not.toHaveBeenCalled();
  });

  it.each([
    ['{"value": id} (canonical)', { value: 'u-9' }],
    ['a bare id string', 'u-9'],
    ['the legacy [{"value": id}]', [{ value: 'u-9' }]],
    ['an id with surrounding whitespace', { value: ' u-9 ' }],
  ] as const)('derives it from the enterprise manager reference given as %s', (_label, manager) => {
    const resolveManagerEmail = jest.fn(directory);
    const result = normaliseProfile(withoutManagerEmail(manager as JsonValue), { resolveManagerEmail });
    expect(result.profile.managerEmail).toBe('boss@example.com');
    expect(resolveManagerEmail).toHaveBeenCalledWith('u-9');
    expect(result.completeness.missingRecommended).toEqual([]);
  });

  it('derives it from the flattened wire form of the manager reference', () => {
    const user = withoutManagerEmail(undefined);
    user[`${ENTERPRISE}:manager`] = 'u-9';
    expect(normaliseProfile(user, { resolveManagerEmail: directory }).profile.managerEmail).toBe(
      'boss@example.com',
    );
  });

  it.each([
    ['no resolver is given', { value: 'u-9' }, undefined],
    ['the manager is unknown to the resolver', { value: 'u-unknown' }, directory],
    ['the resolver returns only whitespace', { value: 'u-blank' }, directory],
    ['there is no manager', undefined, directory],
    ['the manager reference has no value', {}, directory],
    ['the manager reference is empty', { value: '' }, directory],
    ['the legacy list is empty', [], directory],
  ] as const)('is missing when %s', (_label, manager, resolveManagerEmail) => {
    const result = normaliseProfile(withoutManagerEmail(manager as JsonValue | undefined), {
      ...(resolveManagerEmail ? { resolveManagerEmail } : {}),
    });
    expect(result.profile.managerEmail).toBeUndefined();
    expect(result.completeness.missingRecommended).toEqual(['managerEmail']);
    expect(warningsOf(result)).toEqual([]);
  });

  it.each([
    ['a number', 42],
    ['a reference whose value is not a string', { value: 42 }],
    ['a list of strings', ['u-9']],
  ] as const)('ignores a manager reference that is %s, with a warning', (_label, manager) => {
    const resolveManagerEmail = jest.fn(directory);
    const result = normaliseProfile(withoutManagerEmail(manager as JsonValue), { resolveManagerEmail });
    expect(result.profile.managerEmail).toBeUndefined();
    expect(resolveManagerEmail).not.toHaveBeenCalled();
    expect(codesOf(result)).toEqual(['managerEmail:wrongType']);
  });

  it('derives it across a tenant with createManagerEmailResolver, by the profile email rule', () => {
    const manager = withAttributes({
      id: 'u-9',
      emails: [
        { value: 'boss.home@example.com', type: 'home', primary: true },
        { value: 'boss@example.com', type: 'work' },
      ],
    });
    const report = withoutManagerEmail({ value: 'u-9' });
    const noEmail = withAttributes({ id: 'u-5', emails: [] });
    const resolve = createManagerEmailResolver([manager, report, noEmail, null as unknown as JsonObject]);
    expect(normaliseProfile(report, { resolveManagerEmail: resolve }).profile.managerEmail).toBe(
      'boss@example.com',
    );
    expect(resolve('u-5')).toBeUndefined();
    expect(resolve('u-404')).toBeUndefined();
  });
});

describe('normaliseProfile: location', () => {
  it.each([
    [
      'the work address and the office',
      [{ type: 'work', locality: 'Montréal', country: 'CA' }],
      'Mtl-2',
      { city: 'Montréal', country: 'CA', office: 'Mtl-2' },
    ],
    [
      'the primary work address among several',
      [
        { type: 'work', locality: 'Paris', country: 'FR' },
        { type: 'work', locality: 'Lyon', country: 'FR', primary: true },
      ],
      null,
      { city: 'Lyon', country: 'FR', office: undefined },
    ],
    [
      'the work type in any case',
      [{ type: 'WORK', country: 'JP' }],
      null,
      { city: undefined, country: 'JP', office: undefined },
    ],
    // A home address is more personal than matching needs: it is never used.
    [
      'not a home address',
      [{ type: 'home', locality: 'Atlanta', country: 'US' }],
      'HQ',
      { city: undefined, country: undefined, office: 'HQ' },
    ],
    ['an office alone', null, 'HQ', { city: undefined, country: undefined, office: 'HQ' }],
  ] as const)('from %s', (_label, addresses, office, location) => {
    const user = withProfile({ office });
    user.addresses = addresses as JsonValue;
    const result = normaliseProfile(user);
    expect(result.profile.location).toEqual(location);
    expect(result.completeness.missingOptional).toEqual([]);
  });

  it('is missing (optional) when there is no work address and no office', () => {
    const user = withProfile({ office: null });
    user.addresses = [{ type: 'home', locality: 'Atlanta' }];
    const result = normaliseProfile(user);
    expect(result.profile.location).toEqual({ city: undefined, country: undefined, office: undefined });
    expect(result.completeness.missingOptional).toEqual(['location']);
  });

  it('ignores addresses that are not a list, with a warning', () => {
    const result = normaliseProfile(withAttributes({ addresses: { type: 'work', locality: 'Atlanta' } }));
    expect(result.profile.location).toEqual({ city: undefined, country: undefined, office: 'HQ' });
    expect(codesOf(result)).toEqual(['location:wrongType']);
  });
});

describe('normaliseProfile: locale', () => {
  it.each([
    [{ locale: 'fr-CA' }, 'fr-CA'],
    [{ locale: 'fr_fr' }, 'fr-CA'],
    [{ locale: 'es-MX' }, 'es-ES'],
    [{ locale: 'en-GB' }, 'en-US'],
    [{ locale: 'ko-KR' }, 'ko'],
    [{ locale: 'ja-JP' }, 'ja'],
    [{ locale: null, preferredLanguage: 'ja' }, 'ja'],
    [{ locale: 'ko', preferredLanguage: 'fr' }, 'ko'],
    [{ locale: 'de-DE', preferredLanguage: 'es' }, 'es-ES'],
    [{ locale: null, preferredLanguage: 'de, fr-FR;q=0.8' }, 'fr-CA'],
  ] as const)('%j -> %s without a warning', (attributes, locale) => {
    const result = normaliseProfile(withAttributes(attributes));
    expect(result.profile.locale).toBe(locale);
    expect(warningsOf(result)).toEqual([]);
    expect(result.completeness.missingOptional).toEqual([]);
  });

  it('defaults to en-US quietly when absent, listing it as a missing optional field', () => {
    const result = normaliseProfile(withAttributes({ locale: null }));
    expect(result.profile.locale).toBe('en-US');
    expect(warningsOf(result)).toEqual([]);
    expect(result.completeness.missingOptional).toEqual(['locale']);
  });

  it.each([
    [{ locale: 'de-DE' }, 'de-DE'],
    [{ locale: 'pt_BR', preferredLanguage: 'it' }, 'pt_BR'],
    [{ locale: null, preferredLanguage: 'zh-Hant-TW' }, 'zh-Hant-TW'],
  ] as const)('%j -> en-US, flagged with the value %s', (attributes, value) => {
    const result = normaliseProfile(withAttributes(attributes));
    expect(result.profile.locale).toBe('en-US');
    expect(warningsOf(result)).toEqual([
      { field: 'locale', code: 'unsupportedLocale', detail: expect.any(String), value },
    ]);
    expect(result.completeness.missingOptional).toEqual([]);
  });

  it('flags but does not echo a locale that is not a language tag', () => {
    const result = normaliseProfile(withAttributes({ locale: 'jane.doe@example.com' }));
    expect(result.profile.locale).toBe('en-US');
    expect(warningsOf(result)).toEqual([
      { field: 'locale', code: 'unsupportedLocale', detail: expect.any(String) },
    ]);
  });
});

describe('normaliseProfile: status', () => {
  it.each([
    [true, true],
    [false, false],
    ['False', false],
    ['TRUE', true],
    [' false ', false],
  ] as const)('active %j -> %s', (active, expected) => {
    const result = normaliseProfile(withAttributes({ active }));
    expect(result.profile.active).toBe(expected);
    expect(warningsOf(result)).toEqual([]);
  });

  it.each([null, ''])('active %j defaults to true, listing status as missing', (active) => {
    const result = normaliseProfile(withAttributes({ active }));
    expect(result.profile.active).toBe(true);
    expect(result.completeness.missingOptional).toEqual(['status']);
  });

  it.each(['maybe', 1, {}])('active %j is treated as active, flagged', (active) => {
    const result = normaliseProfile(withAttributes({ active }));
    expect(result.profile.active).toBe(true);
    expect(codesOf(result)).toEqual(['status:invalidActive']);
    expect(result.completeness.missingOptional).toEqual([]);
  });
});

describe('normaliseProfile: errors and privacy', () => {
  it.each([null, [], 'user', 42])('rejects a non-object %j with 400 invalidValue', (input) => {
    const attempt = (): NormalisedProfile => normaliseProfile(input as unknown as JsonObject);
    expect(attempt).toThrow(ScimError);
    expect(attempt).toThrow(expect.objectContaining({ status: 400, scimType: 'invalidValue' }));
  });

  it('never puts names or emails in warnings', () => {
    const result = normaliseProfile({
      name: 'Jane Doe',
      emails: ['jane.doe@example.com'],
      locale: 'jane.doe@example.com',
      active: 'jane.doe@example.com',
      [PROFILE]: { peopleManager: 'Jane Doe', managerEmail: { value: 'boss@example.com' } },
    });
    expect(result.completeness.warnings).toHaveLength(7);
    const text = JSON.stringify(result.completeness.warnings);
    expect(text).not.toMatch(/jane|doe|boss/i);
  });

  it('does not modify its input', () => {
    const user = completeUser();
    const before = JSON.stringify(user);
    normaliseProfile(user, { resolveManagerEmail: () => 'x@example.com' });
    expect(JSON.stringify(user)).toBe(before);
  });
});
