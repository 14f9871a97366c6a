/**
 * PATCH fixture tables in the scimmy style: { name, source, ops, target }, where target is the expected
 * resource or the expected error. Sources are RFC 7644 §3.5.2 examples, the Entra request shapes of
 * docs/providers.md in both dialects (legacy, and with ?aadOptscim062020), and Okta's.
 */
import type { ScimType } from '../../../../lambdas/scim/errors';
import type { JsonObject, JsonValue } from '../../../../lambdas/scim/json';
import type { ScimResource } from '../../../../lambdas/scim/resource';
import {
  CORE_GROUP_URN,
  CORE_USER_URN,
  ENTERPRISE_USER_URN,
  PATCH_OP_URN,
  PROFILE_USER_URN,
} from '../../../../lambdas/scim/schema';

export interface ExpectedError {
  readonly status: number;
  readonly scimType: ScimType | undefined;
}

export interface PatchFixture {
  readonly name: string;
  readonly source: ScimResource;
  /** The Operations of the PatchOp request. */
  readonly ops: readonly JsonValue[];
  readonly target: ScimResource | { readonly error: ExpectedError };
}

export const isErrorTarget = (target: PatchFixture['target']): target is { error: ExpectedError } =>
  'error' in target && !('id' in target);

export const patchRequest = (ops: readonly JsonValue[]): JsonObject => ({
  schemas: [PATCH_OP_URN],
  Operations: [...ops],
});

export const error = (status: number, scimType: ScimType | undefined): { error: ExpectedError } => ({
  error: { status, scimType },
});

/** `base` with `changes` applied key by key; an undefined change removes the key. */
const edit = <T extends JsonObject>(base: T, changes: Record<string, JsonValue | undefined>): T => {
  const result: JsonObject = { ...base };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete result[key];
    else result[key] = value;
  }
  return result as T;
};

const META = {
  resourceType: 'User',
  created: '2024-01-01T00:00:00.000Z',
  lastModified: '2024-01-01T00:00:00.000Z',
  version: 'W/"1"',
};

export const USER: ScimResource = {
  schemas: [CORE_USER_URN],
  id: 'u-1',
  externalId: 'obj-1',
  userName: 'alex@example.com',
  active: true,
  displayName: 'Alex Doe',
  title: 'Engineer',
  name: { givenName: 'Alex', familyName: 'Doe' },
  emails: [{ value: 'alex@example.com', type: 'work', primary: true }],
  meta: META,
};
export const user = (changes: Record<string, JsonValue | undefined>): ScimResource => edit(USER, changes);

export const USER_WITH_MANAGER: ScimResource = user({
  schemas: [CORE_USER_URN, ENTERPRISE_USER_URN],
  [ENTERPRISE_USER_URN]: { department: 'R&D', manager: { value: 'm-1' } },
});
export const managed = (changes: Record<string, JsonValue | undefined>): ScimResource =>
  edit(USER_WITH_MANAGER, changes);

const WORK_ADDRESS = { type: 'work', locality: 'Paris', country: 'FR' };
export const USER_WITH_ADDRESS: ScimResource = user({ addresses: [WORK_ADDRESS] });

export const GROUP: ScimResource = {
  schemas: [CORE_GROUP_URN],
  id: 'g-1',
  externalId: 'eg-1',
  displayName: 'Team',
  members: [{ value: 'u-1' }, { value: 'u-2' }],
  meta: { ...META, resourceType: 'Group' },
};
export const group = (changes: Record<string, JsonValue | undefined>): ScimResource => edit(GROUP, changes);

const ENTERPRISE = (attribute: string): string => `${ENTERPRISE_USER_URN}:${attribute}`;
const PROFILE = (attribute: string): string => `${PROFILE_USER_URN}:${attribute}`;

const RFC_MEMBER = {
  display: 'Babs Jensen',
  $ref: 'https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646',
  value: '2819c223-7f76-453a-919d-413861904646',
};

/** RFC 7644 §3.5.2.1-3 examples, on our resources. */
export const RFC_FIXTURES: readonly PatchFixture[] = [
  {
    name: 'RFC 3.5.2.1: add a member to a group',
    source: GROUP,
    ops: [{ op: 'add', path: 'members', value: [RFC_MEMBER] }],
    target: group({ members: [{ value: 'u-1' }, { value: 'u-2' }, RFC_MEMBER] }),
  },
  {
    name: 'RFC 3.5.2.1: add without path adds emails and sets nickName',
    source: USER,
    ops: [{ op: 'add', value: { emails: [{ value: 'babs@jensen.org', type: 'home' }], nickName: 'Babs' } }],
    target: user({
      emails: [
        { value: 'alex@example.com', type: 'work', primary: true },
        { value: 'babs@jensen.org', type: 'home' },
      ],
      nickName: 'Babs',
    }),
  },
  {
    name: 'RFC 3.5.2.1: add on a single-valued attribute replaces it',
    source: USER,
    ops: [{ op: 'add', path: 'title', value: 'Director' }],
    target: user({ title: 'Director' }),
  },
  {
    name: 'RFC 3.5.2.1: add on a complex attribute merges sub-attributes',
    source: USER,
    ops: [{ op: 'add', path: 'name', value: { middleName: 'J' } }],
    target: user({ name: { givenName: 'Alex', familyName: 'Doe', middleName: 'J' } }),
  },
  {
    name: 'RFC 3.5.2.2: remove a single member by value filter',
    source: GROUP,
    ops: [{ op: 'remove', path: 'members[value eq "u-2"]' }],
    target: group({ members: [{ value: 'u-1' }] }),
  },
  {
    name: 'RFC 3.5.2.2: remove all members',
    source: GROUP,
    ops: [{ op: 'remove', path: 'members' }],
    target: group({ members: undefined }),
  },
  {
    name: 'RFC 3.5.2.2: remove a single-valued attribute',
    source: USER,
    ops: [{ op: 'remove', path: 'title' }],
    target: user({ title: undefined }),
  },
  {
    name: 'RFC 3.5.2.2: remove all members then add one (replace all members)',
    source: GROUP,
    ops: [
      { op: 'remove', path: 'members' },
      { op: 'add', path: 'members', value: [RFC_MEMBER] },
    ],
    target: group({ members: [RFC_MEMBER] }),
  },
  {
    name: 'RFC 3.5.2.2: remove elements matching a compound filter',
    source: user({
      emails: [
        { value: 'alex@example.com', type: 'work', primary: true },
        { value: 'alex@home.org', type: 'home' },
      ],
    }),
    ops: [{ op: 'remove', path: 'emails[type eq "work" and value ew "example.com"]' }],
    target: user({ emails: [{ value: 'alex@home.org', type: 'home' }] }),
  },
  {
    name: 'RFC 3.5.2.2: remove a sub-attribute of matching elements',
    source: USER_WITH_ADDRESS,
    ops: [{ op: 'remove', path: 'addresses[type eq "work"].country' }],
    target: user({ addresses: [{ type: 'work', locality: 'Paris' }] }),
  },
  {
    name: 'RFC 3.5.2.3: replace all members',
    source: GROUP,
    ops: [{ op: 'replace', path: 'members', value: [RFC_MEMBER, { value: 'u-9' }] }],
    target: group({ members: [RFC_MEMBER, { value: 'u-9' }] }),
  },
  {
    name: 'RFC 3.5.2.3: replace the work address element',
    source: USER_WITH_ADDRESS,
    ops: [
      {
        op: 'replace',
        path: 'addresses[type eq "work"]',
        value: {
          type: 'work',
          streetAddress: '911 Universal City Plaza',
          locality: 'Hollywood',
          region: 'CA',
          postalCode: '91608',
          country: 'US',
          formatted: '911 Universal City Plaza\nHollywood, CA 91608 US',
          primary: true,
        },
      },
    ],
    target: user({
      addresses: [
        {
          type: 'work',
          streetAddress: '911 Universal City Plaza',
          locality: 'Hollywood',
          region: 'CA',
          postalCode: '91608',
          country: 'US',
          formatted: '911 Universal City Plaza\nHollywood, CA 91608 US',
          primary: true,
        },
      ],
    }),
  },
  {
    name: 'RFC 3.5.2.3: replace a sub-attribute of the matching element',
    source: USER_WITH_ADDRESS,
    ops: [{ op: 'replace', path: 'addresses[type eq "work"].streetAddress', value: '1010 Broadway Ave' }],
    target: user({ addresses: [{ ...WORK_ADDRESS, streetAddress: '1010 Broadway Ave' }] }),
  },
  {
    name: 'RFC 3.5.2.3: replace without path replaces emails and sets nickName',
    source: USER,
    ops: [
      {
        op: 'replace',
        value: {
          emails: [
            { value: 'bjensen@example.com', type: 'work', primary: true },
            { value: 'babs@jensen.org', type: 'home' },
          ],
          nickName: 'Babs',
        },
      },
    ],
    target: user({
      emails: [
        { value: 'bjensen@example.com', type: 'work', primary: true },
        { value: 'babs@jensen.org', type: 'home' },
      ],
      nickName: 'Babs',
    }),
  },
  {
    name: 'RFC 3.5.2.3: replace on an absent attribute adds it',
    source: USER,
    ops: [{ op: 'replace', path: 'nickName', value: 'Al' }],
    target: user({ nickName: 'Al' }),
  },
  {
    name: 'RFC 3.5.2.3: replace on a complex attribute leaves unspecified sub-attributes unchanged',
    source: USER,
    ops: [{ op: 'replace', path: 'name', value: { givenName: 'Alexandra' } }],
    target: user({ name: { givenName: 'Alexandra', familyName: 'Doe' } }),
  },
  {
    name: 'RFC 3.5.2: setting primary on one email clears it on the others',
    source: USER,
    ops: [{ op: 'add', path: 'emails', value: [{ value: 'alex@home.org', type: 'home', primary: true }] }],
    target: user({
      emails: [
        { value: 'alex@example.com', type: 'work', primary: false },
        { value: 'alex@home.org', type: 'home', primary: true },
      ],
    }),
  },
  {
    name: 'RFC 3.5.2: operations apply in order',
    source: USER,
    ops: [
      { op: 'replace', path: 'title', value: 'A' },
      { op: 'remove', path: 'title' },
      { op: 'add', path: 'title', value: 'B' },
    ],
    target: user({ title: 'B' }),
  },
];

/** Entra without ?aadOptscim062020: capitalised ops, string booleans, one op per attribute. */
export const ENTRA_LEGACY_FIXTURES: readonly PatchFixture[] = [
  {
    name: 'Entra legacy: deactivate with "False"',
    source: USER,
    ops: [{ op: 'Replace', path: 'active', value: 'False' }],
    target: user({ active: false }),
  },
  {
    name: 'Entra legacy: reactivate with "True"',
    source: user({ active: false }),
    ops: [{ op: 'Replace', path: 'active', value: 'True' }],
    target: USER,
  },
  {
    name: 'Entra legacy: Add on a single-valued attribute sets it',
    source: USER,
    ops: [{ op: 'Add', path: 'displayName', value: 'Alex D.' }],
    target: user({ displayName: 'Alex D.' }),
  },
  {
    name: 'Entra legacy: one Replace per attribute, including value paths and extension paths',
    source: USER,
    ops: [
      { op: 'Replace', path: 'displayName', value: 'Pat' },
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'pat@example.com' },
      { op: 'Replace', path: 'name.givenName', value: 'Pat' },
      { op: 'Replace', path: 'name.familyName', value: 'Lee' },
      { op: 'Add', path: ENTERPRISE('employeeNumber'), value: '1234' },
      { op: 'Add', path: PROFILE('managementLevel'), value: 'Director' },
    ],
    target: user({
      schemas: [CORE_USER_URN, ENTERPRISE_USER_URN, PROFILE_USER_URN],
      displayName: 'Pat',
      emails: [{ value: 'pat@example.com', type: 'work', primary: true }],
      name: { givenName: 'Pat', familyName: 'Lee' },
      [ENTERPRISE_USER_URN]: { employeeNumber: '1234' },
      [PROFILE_USER_URN]: { managementLevel: 'Director' },
    }),
  },
  {
    name: 'Entra legacy: Add on a value path creates the element',
    source: USER,
    ops: [{ op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+33 6 00 00 00 00' }],
    target: user({ phoneNumbers: [{ type: 'mobile', value: '+33 6 00 00 00 00' }] }),
  },
  {
    name: 'Entra legacy: several Adds on one address element merge into one element',
    source: USER,
    ops: [
      { op: 'Add', path: 'addresses[type eq "work"].locality', value: 'Paris' },
      { op: 'Add', path: 'addresses[type eq "work"].country', value: 'FR' },
      { op: 'Add', path: 'addresses[type eq "work"].postalCode', value: 75001 },
      { op: 'Add', path: 'addresses[type eq "work"].streetAddress', value: '1 rue de Rivoli' },
      { op: 'Add', path: 'addresses[type eq "work"].region', value: 'IDF' },
      { op: 'Add', path: 'addresses[type eq "work"].formatted', value: '1 rue de Rivoli, Paris' },
    ],
    target: user({
      addresses: [
        {
          type: 'work',
          locality: 'Paris',
          country: 'FR',
          postalCode: '75001',
          streetAddress: '1 rue de Rivoli',
          region: 'IDF',
          formatted: '1 rue de Rivoli, Paris',
        },
      ],
    }),
  },
  {
    name: 'Entra legacy: Replace on an existing address sub-attribute keeps the others',
    source: USER_WITH_ADDRESS,
    ops: [{ op: 'Replace', path: 'addresses[type eq "work"].locality', value: 'Lyon' }],
    target: user({ addresses: [{ ...WORK_ADDRESS, locality: 'Lyon' }] }),
  },
  {
    name: 'Entra legacy: manager as a legacy one-element list',
    source: USER,
    ops: [{ op: 'Add', path: ENTERPRISE('manager'), value: [{ $ref: null, value: 'm-2' }] }],
    target: user({
      schemas: [CORE_USER_URN, ENTERPRISE_USER_URN],
      [ENTERPRISE_USER_URN]: { manager: { value: 'm-2' } },
    }),
  },
  {
    name: 'Entra legacy: manager as a bare id replaces the current one',
    source: USER_WITH_MANAGER,
    ops: [{ op: 'Replace', path: ENTERPRISE('manager'), value: 'm-2' }],
    target: managed({ [ENTERPRISE_USER_URN]: { department: 'R&D', manager: { value: 'm-2' } } }),
  },
  {
    name: 'Entra legacy: manager removal by path',
    source: USER_WITH_MANAGER,
    ops: [{ op: 'Remove', path: ENTERPRISE('manager') }],
    target: managed({ [ENTERPRISE_USER_URN]: { department: 'R&D' } }),
  },
  {
    name: 'Entra legacy: removing the last extension attribute drops the extension and its schema URN',
    source: managed({ [ENTERPRISE_USER_URN]: { manager: { value: 'm-1' } } }),
    ops: [{ op: 'Remove', path: ENTERPRISE('manager'), value: [{ value: 'm-1' }] }],
    target: USER,
  },
  {
    name: 'Entra legacy: manager removal with a value that is not the current manager changes nothing',
    source: USER_WITH_MANAGER,
    ops: [{ op: 'Remove', path: ENTERPRISE('manager'), value: [{ value: 'someone-else' }] }],
    target: USER_WITH_MANAGER,
  },
  {
    name: 'Entra legacy: Add members with $ref null',
    source: group({ members: undefined }),
    ops: [
      {
        op: 'Add',
        path: 'members',
        value: [
          { $ref: null, value: 'u-1' },
          { $ref: null, value: 'u-3' },
        ],
      },
    ],
    target: group({ members: [{ value: 'u-1' }, { value: 'u-3' }] }),
  },
  {
    name: 'Entra legacy: adding an existing member is not a duplicate',
    source: GROUP,
    ops: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: 'u-2' }] }],
    target: GROUP,
  },
  {
    name: 'Entra legacy: Remove members with a value removes only the listed members',
    source: group({ members: [{ value: 'u-1' }, { value: 'u-2' }, { value: 'u-3' }] }),
    ops: [{ op: 'Remove', path: 'members', value: [{ value: 'u-1' }, { value: 'u-3' }] }],
    target: group({ members: [{ value: 'u-2' }] }),
  },
  {
    name: 'Entra legacy: Remove of a member that is not there changes nothing',
    source: GROUP,
    ops: [{ op: 'Remove', path: 'members', value: [{ value: 'u-404' }] }],
    target: GROUP,
  },
  {
    name: 'Entra legacy: group rename',
    source: GROUP,
    ops: [{ op: 'Replace', path: 'displayName', value: 'Team 2' }],
    target: group({ displayName: 'Team 2' }),
  },
  {
    name: 'Entra legacy: clearing an email with an empty value removes the element',
    source: USER,
    ops: [{ op: 'Replace', path: 'emails[type eq "work"].value', value: '' }],
    target: user({ emails: undefined }),
  },
  {
    name: 'Entra legacy: Remove with a value filter that matches nothing changes nothing',
    source: USER,
    ops: [{ op: 'Remove', path: 'phoneNumbers[type eq "fax"]' }],
    target: USER,
  },
  {
    name: 'Entra legacy: Remove of an absent attribute changes nothing',
    source: USER,
    ops: [{ op: 'Remove', path: 'nickName' }],
    target: USER,
  },
];

/** Entra with ?aadOptscim062020: lowercase ops, JSON booleans, no-path replace with many keys. */
export const ENTRA_FLAG_FIXTURES: readonly PatchFixture[] = [
  {
    name: 'Entra aadOptscim062020: deactivate with a JSON boolean',
    source: USER,
    ops: [{ op: 'replace', path: 'active', value: false }],
    target: user({ active: false }),
  },
  {
    name: 'Entra aadOptscim062020: add without path sets a single-valued attribute',
    source: USER,
    ops: [{ op: 'add', value: { nickName: 'Babs' } }],
    target: user({ nickName: 'Babs' }),
  },
  {
    name: 'Entra aadOptscim062020: replace without path, keys are dotted, value paths and extension URNs',
    source: USER,
    ops: [
      {
        op: 'replace',
        value: {
          displayName: 'Pat Lee',
          'emails[type eq "work"].value': 'pat@example.com',
          'name.givenName': 'Pat',
          'name.familyName': 'Lee',
          [ENTERPRISE('employeeNumber')]: 'E-7',
          [ENTERPRISE('department')]: 'Sales',
          [PROFILE('peopleManager')]: 'Yes',
        },
      },
    ],
    target: user({
      schemas: [CORE_USER_URN, ENTERPRISE_USER_URN, PROFILE_USER_URN],
      displayName: 'Pat Lee',
      emails: [{ value: 'pat@example.com', type: 'work', primary: true }],
      name: { givenName: 'Pat', familyName: 'Lee' },
      [ENTERPRISE_USER_URN]: { employeeNumber: 'E-7', department: 'Sales' },
      [PROFILE_USER_URN]: { peopleManager: true },
    }),
  },
  {
    name: 'Entra aadOptscim062020: no-path value holding an extension URN object',
    source: USER_WITH_MANAGER,
    ops: [{ op: 'replace', value: { [ENTERPRISE_USER_URN]: { department: 'Ops', costCenter: 'CC1' } } }],
    target: managed({
      [ENTERPRISE_USER_URN]: { department: 'Ops', manager: { value: 'm-1' }, costCenter: 'CC1' },
    }),
  },
  {
    name: 'Entra aadOptscim062020: manager as {"value": id}',
    source: USER,
    ops: [{ op: 'add', path: ENTERPRISE('manager'), value: { value: 'm-3' } }],
    target: user({
      schemas: [CORE_USER_URN, ENTERPRISE_USER_URN],
      [ENTERPRISE_USER_URN]: { manager: { value: 'm-3' } },
    }),
  },
  {
    name: 'Entra aadOptscim062020: manager removal by manager[value eq id]',
    source: USER_WITH_MANAGER,
    ops: [{ op: 'remove', path: `${ENTERPRISE('manager')}[value eq "m-1"]` }],
    target: managed({ [ENTERPRISE_USER_URN]: { department: 'R&D' } }),
  },
  {
    name: 'Entra aadOptscim062020: manager[value eq id] for another manager changes nothing',
    source: USER_WITH_MANAGER,
    ops: [{ op: 'remove', path: 'manager[value eq "m-9"]' }],
    target: USER_WITH_MANAGER,
  },
  {
    name: 'Entra aadOptscim062020: manager cleared by replace with ""',
    source: USER_WITH_MANAGER,
    ops: [{ op: 'replace', path: ENTERPRISE('manager'), value: '' }],
    target: managed({ [ENTERPRISE_USER_URN]: { department: 'R&D' } }),
  },
  {
    name: 'Entra aadOptscim062020: manager cleared by replace with null',
    source: USER_WITH_MANAGER,
    ops: [{ op: 'replace', path: ENTERPRISE('manager'), value: null }],
    target: managed({ [ENTERPRISE_USER_URN]: { department: 'R&D' } }),
  },
  {
    name: 'Entra aadOptscim062020: replace with null clears an attribute',
    source: USER,
    ops: [{ op: 'replace', path: 'title', value: null }],
    target: user({ title: undefined }),
  },
  {
    name: 'Entra aadOptscim062020: replace with "" clears a sub-attribute and drops an empty parent',
    source: user({ name: { givenName: 'Alex' } }),
    ops: [{ op: 'replace', path: 'name.givenName', value: '' }],
    target: user({ name: undefined }),
  },
  {
    name: 'Entra aadOptscim062020: remove one member by filter',
    source: GROUP,
    ops: [{ op: 'remove', path: 'members[value eq "u-1"]' }],
    target: group({ members: [{ value: 'u-2' }] }),
  },
  {
    name: 'Entra aadOptscim062020: group rename without path',
    source: GROUP,
    ops: [{ op: 'replace', value: { displayName: 'Team 3' } }],
    target: group({ displayName: 'Team 3' }),
  },
  {
    name: 'Entra aadOptscim062020: no-path value restating the current id is accepted',
    source: GROUP,
    ops: [{ op: 'replace', value: { id: 'g-1', displayName: 'Team 3' } }],
    target: group({ displayName: 'Team 3' }),
  },
  {
    name: 'Entra aadOptscim062020: externalId replace',
    source: GROUP,
    ops: [{ op: 'replace', path: 'externalId', value: 'eg-2' }],
    target: group({ externalId: 'eg-2' }),
  },
  {
    name: 'Entra aadOptscim062020: add of an existing email with the same value and type changes nothing',
    source: USER,
    ops: [{ op: 'add', path: 'emails', value: [{ value: 'alex@example.com', type: 'work' }] }],
    target: USER,
  },
  {
    name: 'Entra aadOptscim062020: add of an email differing only in letter case merges, no duplicate',
    source: USER,
    ops: [{ op: 'add', path: 'emails', value: [{ value: 'ALEX@example.com', type: 'Work' }] }],
    target: user({ emails: [{ value: 'ALEX@example.com', type: 'work', primary: true }] }),
  },
];

/** Okta: no-path replace for deactivation, whole member list replacement. */
export const OKTA_FIXTURES: readonly PatchFixture[] = [
  {
    name: 'Okta: deactivate with a no-path replace',
    source: USER,
    ops: [{ op: 'replace', value: { active: false } }],
    target: user({ active: false }),
  },
  {
    name: 'Okta: replace members with a new list',
    source: GROUP,
    ops: [{ op: 'replace', path: 'members', value: [{ value: 'u-2', display: 'Sam' }, { value: 'u-7' }] }],
    target: group({ members: [{ value: 'u-2', display: 'Sam' }, { value: 'u-7' }] }),
  },
  {
    name: 'Okta: replace members with an empty list removes all',
    source: GROUP,
    ops: [{ op: 'replace', path: 'members', value: [] }],
    target: group({ members: undefined }),
  },
];

/** Member display as Okta and Microsoft's reference collection send it (kept, and merged on a re-add). */
export const MEMBER_DISPLAY_FIXTURES: readonly PatchFixture[] = [
  {
    name: 'Microsoft reference collection: add a member with displayName (read as display)',
    source: GROUP,
    ops: [{ op: 'add', path: 'members', value: [{ displayName: 'new User', value: 'u-4' }] }],
    target: group({ members: [{ value: 'u-1' }, { value: 'u-2' }, { value: 'u-4', display: 'new User' }] }),
  },
  {
    name: 're-adding a member with a new display updates it; without one keeps it',
    source: group({
      members: [
        { value: 'u-1', display: 'Old' },
        { value: 'u-2', display: 'Two' },
      ],
    }),
    ops: [
      {
        op: 'add',
        path: 'members',
        value: [{ value: 'u-1', display: 'New' }, { value: 'u-2' }],
      },
    ],
    target: group({
      members: [
        { value: 'u-1', display: 'New' },
        { value: 'u-2', display: 'Two' },
      ],
    }),
  },
];

/** remove with a `value` on a multi-valued attribute removes only what the value designates. */
export const VALUE_REMOVAL_FIXTURES: readonly PatchFixture[] = [
  {
    name: 'remove emails with a value and type removes that email',
    source: USER,
    ops: [{ op: 'remove', path: 'emails', value: [{ value: 'ALEX@example.com', type: 'work' }] }],
    target: user({ emails: undefined }),
  },
  {
    name: 'remove emails with the right value but another type keeps the email',
    source: USER,
    ops: [{ op: 'remove', path: 'emails', value: [{ value: 'alex@example.com', type: 'home' }] }],
    target: USER,
  },
  {
    name: 'remove emails with the right type but another value keeps the email',
    source: USER,
    ops: [{ op: 'remove', path: 'emails', value: [{ value: 'other@example.com', type: 'work' }] }],
    target: USER,
  },
  {
    name: 'remove addresses with a value without "value" matches on the given sub-attributes',
    source: user({ addresses: [WORK_ADDRESS, { type: 'home', locality: 'Paris' }] }),
    ops: [{ op: 'remove', path: 'addresses', value: [{ locality: 'paris', type: 'home' }] }],
    target: USER_WITH_ADDRESS,
  },
  {
    name: 'remove a simple attribute with a value that is not the current one keeps it',
    source: USER,
    ops: [{ op: 'remove', path: 'title', value: 'Janitor' }],
    target: USER,
  },
  {
    name: 'remove a simple attribute with its current value (any case) removes it',
    source: USER,
    ops: [{ op: 'remove', path: 'title', value: 'ENGINEER' }],
    target: user({ title: undefined }),
  },
];

/** Every error path of the interpreter. */
const TWO_WORK_EMAILS = [
  { value: 'a@example.com', type: 'work', primary: true },
  { value: 'b@example.com', type: 'work' },
];

/**
 * Several values of one type are kept (validate.ts; Microsoft's reference client sends two work emails):
 * element identity is the value (and the type when both have one), never the type alone.
 */
export const SAME_TYPE_FIXTURES: readonly PatchFixture[] = [
  {
    name: 'replace emails with two work emails keeps both, and the primary',
    source: USER,
    ops: [{ op: 'replace', path: 'emails', value: TWO_WORK_EMAILS }],
    target: user({ emails: TWO_WORK_EMAILS }),
  },
  {
    name: 'no-path replace of emails with two work emails keeps both',
    source: USER,
    ops: [{ op: 'Replace', value: { emails: TWO_WORK_EMAILS } }],
    target: user({ emails: TWO_WORK_EMAILS }),
  },
  {
    name: 'add of a new work email to a user with a work email appends it (RFC 7644 §3.5.2.1)',
    source: USER,
    ops: [{ op: 'add', path: 'emails', value: [{ value: 'b@example.com', type: 'work' }] }],
    target: user({
      emails: [
        { value: 'alex@example.com', type: 'work', primary: true },
        { value: 'b@example.com', type: 'work' },
      ],
    }),
  },
  {
    name: 'add of a work email already present to a user with two work emails changes nothing',
    source: user({ emails: TWO_WORK_EMAILS }),
    ops: [{ op: 'add', path: 'emails', value: [{ value: 'b@example.com', type: 'work' }] }],
    target: user({ emails: TWO_WORK_EMAILS }),
  },
  {
    name: 'add of two mobile phone numbers keeps both',
    source: USER,
    ops: [
      {
        op: 'add',
        path: 'phoneNumbers',
        value: [
          { value: '1', type: 'mobile' },
          { value: '2', type: 'mobile' },
        ],
      },
    ],
    target: user({
      phoneNumbers: [
        { value: '1', type: 'mobile' },
        { value: '2', type: 'mobile' },
      ],
    }),
  },
  {
    name: 'add of two work addresses keeps both',
    source: USER,
    ops: [
      {
        op: 'add',
        path: 'addresses',
        value: [
          { locality: 'Paris', type: 'work' },
          { locality: 'Oslo', type: 'work' },
        ],
      },
    ],
    target: user({
      addresses: [
        { locality: 'Paris', type: 'work' },
        { locality: 'Oslo', type: 'work' },
      ],
    }),
  },
  {
    name: 'a value-path value written into both work emails makes them one element (add stays idempotent)',
    source: user({ emails: TWO_WORK_EMAILS }),
    ops: [{ op: 'add', path: 'emails[type eq "work"].value', value: 'c@example.com' }],
    target: user({ emails: [{ value: 'c@example.com', type: 'work', primary: true }] }),
  },
  {
    name: 'a value path acts on every element it matches: both work emails',
    source: user({ emails: TWO_WORK_EMAILS }),
    ops: [{ op: 'replace', path: 'emails[type eq "work"].display', value: 'Work' }],
    target: user({
      emails: [
        { value: 'a@example.com', type: 'work', primary: true, display: 'Work' },
        { value: 'b@example.com', type: 'work', display: 'Work' },
      ],
    }),
  },
];

const ENTRA_CUSTOM_URN = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';

/**
 * Paths under a schema URN we do not know (Entra custom extensions) are ignored, as POST ignores them: a
 * user created with one must not fail every later sync PATCH.
 */
export const UNKNOWN_SCHEMA_FIXTURES: readonly PatchFixture[] = [
  {
    name: 'unknown extension URN path: ignored, nothing changes',
    source: USER,
    ops: [{ op: 'add', path: 'urn:ietf:params:scim:schemas:extension:acme:2.0:User:badge', value: 'x' }],
    target: USER,
  },
  {
    name: 'Entra custom extension attribute by path, with a known attribute: only the known one is applied',
    source: USER,
    ops: [
      { op: 'Add', path: `${ENTRA_CUSTOM_URN}:costCode`, value: 'CC-42' },
      { op: 'Replace', path: 'title', value: 'CTO' },
    ],
    target: user({ title: 'CTO' }),
  },
  {
    name: 'Entra custom extension attribute as a key of a no-path value: ignored',
    source: USER,
    ops: [{ op: 'Replace', value: { [`${ENTRA_CUSTOM_URN}:costCode`]: 'CC-42', title: 'CTO' } }],
    target: user({ title: 'CTO' }),
  },
  {
    name: 'Entra custom extension block in a no-path value: ignored',
    source: USER,
    ops: [{ op: 'add', value: { [ENTRA_CUSTOM_URN]: { costCode: 'CC-42' } } }],
    target: USER,
  },
  {
    name: 'remove of a custom extension attribute: ignored',
    source: USER,
    ops: [{ op: 'Remove', path: `${ENTRA_CUSTOM_URN}:costCode` }],
    target: USER,
  },
];

/** An extension block addressed as a whole: a bare URN path, or URN-qualified keys inside its block. */
export const EXTENSION_BLOCK_FIXTURES: readonly PatchFixture[] = [
  {
    name: 'no-path value whose extension block repeats the URN in its inner keys',
    source: USER,
    ops: [
      {
        op: 'add',
        value: { [ENTERPRISE_USER_URN]: { [`${ENTERPRISE_USER_URN}:department`]: 'Sales' } },
      },
    ],
    target: user({
      schemas: [CORE_USER_URN, ENTERPRISE_USER_URN],
      [ENTERPRISE_USER_URN]: { department: 'Sales' },
    }),
  },
  {
    name: 'add with the bare extension URN as path sets its attributes',
    source: USER,
    ops: [{ op: 'add', path: ENTERPRISE_USER_URN, value: { department: 'Sales', employeeNumber: '7' } }],
    target: user({
      schemas: [CORE_USER_URN, ENTERPRISE_USER_URN],
      [ENTERPRISE_USER_URN]: { department: 'Sales', employeeNumber: '7' },
    }),
  },
  {
    name: 'replace with the bare extension URN as path merges into the block',
    source: USER_WITH_MANAGER,
    ops: [{ op: 'Replace', path: ENTERPRISE_USER_URN, value: { department: 'Sales' } }],
    target: managed({ [ENTERPRISE_USER_URN]: { department: 'Sales', manager: { value: 'm-1' } } }),
  },
  {
    name: 'remove of the bare extension URN removes the whole block and its schemas entry',
    source: USER_WITH_MANAGER,
    ops: [{ op: 'remove', path: ENTERPRISE_USER_URN }],
    target: user({}),
  },
  {
    name: 'bare extension URN path with a non-object value -> invalidValue',
    source: USER,
    ops: [{ op: 'add', path: ENTERPRISE_USER_URN, value: 'Sales' }],
    target: error(400, 'invalidValue'),
  },
  {
    name: 'extension URN path whose value carries its own schemas key (a client serialising a model)',
    source: USER,
    ops: [
      {
        op: 'add',
        path: ENTERPRISE_USER_URN,
        value: { schemas: [ENTERPRISE_USER_URN], department: 'Sales' },
      },
    ],
    target: user({
      schemas: [CORE_USER_URN, ENTERPRISE_USER_URN],
      [ENTERPRISE_USER_URN]: { department: 'Sales' },
    }),
  },
  {
    name: 'replace at an extension URN path whose value carries its own schemas key',
    source: user({
      schemas: [CORE_USER_URN, ENTERPRISE_USER_URN],
      [ENTERPRISE_USER_URN]: { department: 'Sales', costCenter: '42' },
    }),
    ops: [
      {
        op: 'replace',
        path: ENTERPRISE_USER_URN,
        value: { schemas: [ENTERPRISE_USER_URN], department: 'R&D' },
      },
    ],
    target: user({
      schemas: [CORE_USER_URN, ENTERPRISE_USER_URN],
      [ENTERPRISE_USER_URN]: { department: 'R&D', costCenter: '42' },
    }),
  },
  {
    name: 'bare core schema URN as path -> invalidPath',
    source: USER,
    ops: [{ op: 'add', path: CORE_USER_URN, value: { title: 'CTO' } }],
    target: error(400, 'invalidPath'),
  },
];

/**
 * Attributes no schema defines are ignored, as POST and PUT ignore them: a mapping that created a user
 * must not fail its later PATCHes. `password` is one (Okta's password sync): never stored.
 */
export const UNDEFINED_ATTRIBUTE_FIXTURES: readonly PatchFixture[] = [
  {
    name: 'replace password by path: accepted, never stored, nothing changes',
    source: USER,
    ops: [{ op: 'replace', path: 'password', value: 'S3cret!' }],
    target: USER,
  },
  {
    name: 'no-path replace with a password and a title: only the title is stored',
    source: USER,
    ops: [{ op: 'Replace', value: { password: 'S3cret!', title: 'CTO' } }],
    target: user({ title: 'CTO' }),
  },
  {
    name: 'add then remove password: nothing stored, nothing changes',
    source: USER,
    ops: [
      { op: 'add', path: 'password', value: 'S3cret!' },
      { op: 'remove', path: 'password' },
    ],
    target: USER,
  },
  {
    name: 'a password of any type is dropped',
    source: USER,
    ops: [{ op: 'replace', value: { password: { secret: true } } }],
    target: USER,
  },
  {
    name: 'a misspelt attribute by path is ignored, as POST ignores it; the rest applies',
    source: USER,
    ops: [
      { op: 'replace', path: 'favouriteColour', value: 'blue' },
      { op: 'replace', path: 'title', value: 'CTO' },
    ],
    target: user({ title: 'CTO' }),
  },
  {
    name: 'a misspelt sub-attribute is ignored',
    source: USER,
    ops: [{ op: 'replace', path: 'name.nickname', value: 'x' }],
    target: USER,
  },
  {
    name: 'an undefined attribute of a known extension is ignored',
    source: USER,
    ops: [{ op: 'add', path: `${ENTERPRISE_USER_URN}:badge`, value: 'x' }],
    target: USER,
  },
  {
    name: 'an undefined attribute of the core schema by its URN is ignored',
    source: USER,
    ops: [{ op: 'add', path: `${CORE_USER_URN}:badge`, value: 'x' }],
    target: USER,
  },
  {
    name: 'no-path keys naming undefined attributes are ignored',
    source: USER,
    ops: [{ op: 'add', value: { badge: 'x', [ENTERPRISE_USER_URN]: { badge: 'y', department: 'D' } } }],
    target: user({
      schemas: [CORE_USER_URN, ENTERPRISE_USER_URN],
      [ENTERPRISE_USER_URN]: { department: 'D' },
    }),
  },
];

export const ERROR_FIXTURES: readonly PatchFixture[] = [
  {
    name: 'value-path add of only a label where no element matches -> noTarget (no label-only element)',
    source: user({ emails: undefined }),
    ops: [{ op: 'add', path: 'emails[type eq "work"].primary', value: true }],
    target: error(400, 'noTarget'),
  },
  {
    name: 'value-path add of only a label onto an existing element still works',
    source: user({ emails: [{ value: 'alex@example.com', type: 'work' }] }),
    ops: [{ op: 'add', path: 'emails[type eq "work"].primary', value: true }],
    target: user({ emails: [{ value: 'alex@example.com', type: 'work', primary: true }] }),
  },
  {
    name: 'remove without path -> noTarget',
    source: USER,
    ops: [{ op: 'remove' }],
    target: error(400, 'noTarget'),
  },
  {
    name: 'malformed path -> invalidPath',
    source: USER,
    ops: [{ op: 'replace', path: 'emails[type eq "work"', value: 'x' }],
    target: error(400, 'invalidPath'),
  },
  {
    name: 'filter naming an unknown sub-attribute -> invalidPath',
    source: USER,
    ops: [{ op: 'replace', path: 'emails[kind eq "work"].value', value: 'x' }],
    target: error(400, 'invalidPath'),
  },
  {
    name: 'sub-attribute of a multi-valued attribute without filter -> invalidPath',
    source: USER,
    ops: [{ op: 'replace', path: 'emails.value', value: 'x' }],
    target: error(400, 'invalidPath'),
  },
  {
    name: 'filter on a simple single-valued attribute -> invalidPath',
    source: USER,
    ops: [{ op: 'remove', path: 'title[value eq "x"]' }],
    target: error(400, 'invalidPath'),
  },
  {
    name: 'path filter ordering a boolean (gt true) -> invalidPath',
    source: USER,
    ops: [{ op: 'remove', path: 'emails[primary gt true]' }],
    target: error(400, 'invalidPath'),
  },
  {
    name: 'replace id -> mutability',
    source: USER,
    ops: [{ op: 'replace', path: 'id', value: 'u-2' }],
    target: error(400, 'mutability'),
  },
  {
    name: 'remove meta -> mutability',
    source: USER,
    ops: [{ op: 'remove', path: 'meta' }],
    target: error(400, 'mutability'),
  },
  {
    name: 'replace meta.lastModified -> mutability',
    source: USER,
    ops: [{ op: 'replace', path: 'meta.lastModified', value: '2030-01-01T00:00:00Z' }],
    target: error(400, 'mutability'),
  },
  {
    name: 'add groups (readOnly) -> mutability',
    source: USER,
    ops: [{ op: 'add', path: 'groups', value: [{ value: 'g-1' }] }],
    target: error(400, 'mutability'),
  },
  {
    name: 'readOnly sub-attribute manager.displayName -> mutability',
    source: USER_WITH_MANAGER,
    ops: [{ op: 'replace', path: `${ENTERPRISE('manager')}.displayName`, value: 'Boss' }],
    target: error(400, 'mutability'),
  },
  {
    name: 'no-path value changing id -> mutability',
    source: USER,
    ops: [{ op: 'replace', value: { id: 'u-2', displayName: 'x' } }],
    target: error(400, 'mutability'),
  },
  {
    name: 'immutable member value with an existing value -> mutability',
    source: GROUP,
    ops: [{ op: 'replace', path: 'members[value eq "u-1"].value', value: 'u-9' }],
    target: error(400, 'mutability'),
  },
  {
    name: 'remove of the required userName -> mutability',
    source: USER,
    ops: [{ op: 'remove', path: 'userName' }],
    target: error(400, 'mutability'),
  },
  {
    name: 'replace of the required userName with "" -> mutability',
    source: USER,
    ops: [{ op: 'replace', path: 'userName', value: '' }],
    target: error(400, 'mutability'),
  },
  {
    name: 'a string that is not a boolean -> invalidValue',
    source: USER,
    ops: [{ op: 'Replace', path: 'active', value: 'maybe' }],
    target: error(400, 'invalidValue'),
  },
  {
    name: 'peopleManager "maybe" -> invalidValue',
    source: USER,
    ops: [{ op: 'add', path: PROFILE('peopleManager'), value: 'maybe' }],
    target: error(400, 'invalidValue'),
  },
  {
    name: 'an object for a string attribute -> invalidValue',
    source: USER,
    ops: [{ op: 'replace', path: 'title', value: { text: 'x' } }],
    target: error(400, 'invalidValue'),
  },
  {
    name: 'an extension URN key holding a string -> invalidValue',
    source: USER,
    ops: [{ op: 'replace', value: { [ENTERPRISE_USER_URN]: 'x' } }],
    target: error(400, 'invalidValue'),
  },
  {
    name: 'value path with a non-eq filter matching nothing -> noTarget',
    source: USER,
    ops: [{ op: 'replace', path: 'emails[type ne "work"].value', value: 'x@example.com' }],
    target: error(400, 'noTarget'),
  },
  {
    name: 'value path with an or filter matching nothing -> noTarget',
    source: USER,
    ops: [{ op: 'add', path: 'phoneNumbers[type eq "work" or type eq "mobile"].value', value: '1' }],
    target: error(400, 'noTarget'),
  },
  {
    name: 'value path with contradicting eq conditions -> noTarget',
    source: USER,
    ops: [{ op: 'add', path: 'phoneNumbers[type eq "work" and type eq "mobile"].value', value: '1' }],
    target: error(400, 'noTarget'),
  },
  {
    name: 'a later bad operation fails the whole request',
    source: USER,
    ops: [
      { op: 'replace', path: 'title', value: 'CEO' },
      { op: 'replace', path: 'emails[type eq "work"', value: 'x' },
    ],
    target: error(400, 'invalidPath'),
  },
  {
    name: 'replace without path and without value object -> invalidSyntax',
    source: USER,
    ops: [{ op: 'replace', value: 'x' }],
    target: error(400, 'invalidSyntax'),
  },
  {
    name: 'add with a path and no value -> invalidSyntax',
    source: USER,
    ops: [{ op: 'add', path: 'title' }],
    target: error(400, 'invalidSyntax'),
  },
  {
    name: 'unknown op -> invalidSyntax',
    source: USER,
    ops: [{ op: 'move', path: 'title', value: 'x' }],
    target: error(400, 'invalidSyntax'),
  },
];

/**
 * Found by running thomaspoignant/scim-patch's own tests through our applyPatch: replace keeps the
 * sub-attributes it does not name (RFC 7644 §3.5.2.3), and replaces the values its filter matches.
 */
export const PEER_SUITE_FIXTURES: readonly PatchFixture[] = [
  {
    name: 'replace name with {} by path keeps name (no sub-attribute given, none changed)',
    source: USER,
    ops: [{ op: 'replace', path: 'name', value: {} }],
    target: USER,
  },
  {
    name: 'no-path replace {"name": {}} keeps name',
    source: USER,
    ops: [{ op: 'replace', value: { name: {} } }],
    target: USER,
  },
  {
    name: 'replace name with null still clears it',
    source: USER,
    ops: [{ op: 'replace', path: 'name', value: null }],
    target: user({ name: undefined }),
  },
  {
    name: 'replace emails[value eq "a@x"] with {"value": "b@x"} replaces the address and keeps primary',
    source: user({
      emails: [
        { value: 'alex@example.com', type: 'work', primary: true },
        { value: 'alex@home.example', type: 'home' },
      ],
    }),
    ops: [
      { op: 'replace', path: 'emails[value eq "alex@example.com"]', value: { value: 'new@example.com' } },
    ],
    target: user({
      emails: [
        { value: 'new@example.com', type: 'work', primary: true },
        { value: 'alex@home.example', type: 'home' },
      ],
    }),
  },
  {
    name: 'Entra\'s value-path create still works: emails[type eq "work"].value with no work email',
    source: user({ emails: undefined }),
    ops: [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'w@example.com' }],
    target: user({ emails: [{ value: 'w@example.com', type: 'work' }] }),
  },
];

export const ALL_FIXTURES: readonly PatchFixture[] = [
  ...PEER_SUITE_FIXTURES,
  ...RFC_FIXTURES,
  ...ENTRA_LEGACY_FIXTURES,
  ...ENTRA_FLAG_FIXTURES,
  ...OKTA_FIXTURES,
  ...MEMBER_DISPLAY_FIXTURES,
  ...VALUE_REMOVAL_FIXTURES,
  ...SAME_TYPE_FIXTURES,
  ...UNKNOWN_SCHEMA_FIXTURES,
  ...EXTENSION_BLOCK_FIXTURES,
  ...UNDEFINED_ATTRIBUTE_FIXTURES,
  ...ERROR_FIXTURES,
];
