import { describe, expect, it } from '@jest/globals';
import type { JsonObject } from '../../../lambdas/scim/json';
import {
  PROFILE_FIELDS,
  normaliseProfile,
  summariseProfiles,
  type ProfileReportEntry,
} from '../../../lambdas/scim/profile';

const PROFILE = 'urn:ietf:params:scim:schemas:extension:profile:2.0:User';

const user = (overrides: JsonObject, profile: JsonObject = {}): JsonObject => ({
  name: { givenName: 'Jane', familyName: 'Doe' },
  emails: [{ value: 'jane@example.com', type: 'work' }],
  title: 'Engineer',
  locale: 'en-US',
  active: true,
  addresses: [{ type: 'work', locality: 'Atlanta', country: 'US' }],
  ...overrides,
  [PROFILE]: {
    managementLevel: 'Director',
    businessUnit: 'Consulting',
    jobFunction: 'Engineering',
    peopleManager: 'no',
    managerEmail: 'boss@example.com',
    ...profile,
  },
});

const entry = (id: string, resource: JsonObject): ProfileReportEntry => ({
  id,
  profile: normaliseProfile(resource),
});

describe('summariseProfiles', () => {
  const entries: ProfileReportEntry[] = [
    entry('u-complete', user({})),
    entry('u-no-name', user({ name: null }, { managementLevel: 'Principal' })),
    entry('u-no-email', user({ emails: [], locale: 'de-DE' }, { managementLevel: 'Principal' })),
    entry('u-no-level', user({ title: null }, { managementLevel: null, peopleManager: null })),
    entry('u-german', user({ locale: 'de', addresses: null }, { managementLevel: 'Fellow' })),
    entry('u-odd-locale', user({ locale: 'not a tag!', active: 'maybe' }, { peopleManager: 'maybe' })),
    // Inactive users are not matched, so none of their gaps count.
    entry(
      'u-inactive',
      user({ active: false, name: null, emails: [], locale: 'de' }, { managementLevel: 'Principal' }),
    ),
    entry('u-inactive-2', user({ active: 'False', title: null }, { managementLevel: null })),
  ];
  const report = summariseProfiles(entries);

  it('counts users, active and inactive', () => {
    expect([report.totalUsers, report.activeUsers, report.inactiveUsers]).toEqual([8, 6, 2]);
  });

  it('counts, per profile field, the active users that lack it', () => {
    expect(report.missingByField).toEqual({
      firstName: 1,
      lastName: 1,
      email: 1,
      managementLevel: 1,
      jobTitle: 1,
      businessUnit: 0,
      jobFunction: 0,
      peopleManager: 2,
      managerEmail: 0,
      location: 1,
      locale: 0,
      status: 0,
    });
    expect(Object.keys(report.missingByField)).toEqual(PROFILE_FIELDS.map(({ field }) => field));
  });

  it('lists the active users missing required fields, by id, with the fields', () => {
    expect(report.usersMissingRequired).toEqual([
      { id: 'u-no-email', missing: ['email'] },
      { id: 'u-no-level', missing: ['managementLevel'] },
      { id: 'u-no-name', missing: ['firstName', 'lastName'] },
    ]);
  });

  it('counts unrecognised role values among active users, most frequent first', () => {
    expect(report.unrecognisedRoles).toEqual([
      { value: 'Principal', count: 2 },
      { value: 'Fellow', count: 1 },
    ]);
  });

  it('counts locale warnings among active users, grouping values that are not tags', () => {
    expect(report.localeWarnings).toBe(3);
    expect(report.unsupportedLocales).toEqual([
      { value: '(not a language tag)', count: 1 },
      { value: 'de', count: 1 },
      { value: 'de-DE', count: 1 },
    ]);
  });

  it('counts active users’ warnings by code', () => {
    expect(report.warningsByCode).toEqual({
      unrecognisedRole: 3,
      unsupportedLocale: 3,
      invalidPeopleManager: 1,
      invalidActive: 1,
      wrongType: 0,
    });
  });

  it('holds no names or emails', () => {
    expect(JSON.stringify(report)).not.toMatch(/jane|doe|@example\.com/i);
  });

  it('is empty for no users', () => {
    expect(summariseProfiles([])).toEqual({
      totalUsers: 0,
      activeUsers: 0,
      inactiveUsers: 0,
      missingByField: Object.fromEntries(PROFILE_FIELDS.map(({ field }) => [field, 0])),
      usersMissingRequired: [],
      unrecognisedRoles: [],
      localeWarnings: 0,
      unsupportedLocales: [],
      warningsByCode: {
        unrecognisedRole: 0,
        unsupportedLocale: 0,
        invalidPeopleManager: 0,
        invalidActive: 0,
        wrongType: 0,
      },
    });
  });

  it('counts role values exactly as sent, ties in value order', () => {
    const roles = summariseProfiles(
      ['Lead', 'lead', 'Lead', 'Fellow', 'Staff'].map((level, index) =>
        entry(`u-${index}`, user({}, { managementLevel: level })),
      ),
    ).unrecognisedRoles;
    expect(roles).toEqual([
      { value: 'Lead', count: 2 },
      { value: 'Fellow', count: 1 },
      { value: 'Staff', count: 1 },
      { value: 'lead', count: 1 },
    ]);
  });
});
