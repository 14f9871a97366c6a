/**
 * A small, self-contained ResourceSchema for filter tests, independent of the production schemas so the
 * evaluator's rules are tested on characteristics we control (caseExact, types, multi-valued).
 */
import type { JsonObject } from '../../../../lambdas/scim/json';
import { attribute as define } from '../../../../lambdas/scim/schema/define';
import type { ResourceSchema } from '../../../../lambdas/scim/schema/types';

export const CORE_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const EXTENSION_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export const EMAILS_ATTRIBUTE = define('emails', 'complex', {
  multiValued: true,
  subAttributes: [
    define('value', 'string'),
    define('display', 'string'),
    define('type', 'string'),
    define('primary', 'boolean'),
  ],
});

export const TEST_SCHEMA: ResourceSchema = {
  resourceType: {
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'Test user',
    schema: CORE_URN,
    schemaExtensions: [{ schema: EXTENSION_URN, required: false }],
  },
  core: {
    id: CORE_URN,
    name: 'User',
    description: 'Test user',
    attributes: [
      define('id', 'string', { caseExact: true }),
      define('externalId', 'string', { caseExact: true }),
      define('userName', 'string'),
      define('displayName', 'string'),
      define('title', 'string'),
      define('name', 'complex', {
        subAttributes: [define('givenName', 'string'), define('familyName', 'string')],
      }),
      EMAILS_ATTRIBUTE,
      define('active', 'boolean'),
      define('loginCount', 'integer'),
      define('rating', 'decimal'),
      define('certificate', 'binary'),
      define('tags', 'string', { multiValued: true }),
      define('meta', 'complex', {
        subAttributes: [define('created', 'dateTime'), define('lastModified', 'dateTime')],
      }),
    ],
  },
  extensions: [
    {
      id: EXTENSION_URN,
      name: 'EnterpriseUser',
      description: 'Enterprise user',
      attributes: [
        define('department', 'string'),
        define('manager', 'complex', {
          subAttributes: [define('value', 'string'), define('displayName', 'string')],
        }),
      ],
    },
  ],
};

/** Barbara Jensen, after RFC 7643 §8.2, in our canonical form. */
export const BJENSEN: JsonObject = {
  schemas: [CORE_URN, EXTENSION_URN],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: 'Bjensen-EXT',
  userName: 'Bjensen@Example.com',
  displayName: 'Babs Jensen',
  name: { givenName: 'Barbara', familyName: "O'Malley" },
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  active: true,
  loginCount: 42,
  rating: 4.5,
  certificate: 'TUlJRERE',
  tags: ['Alpha', 'beta'],
  [EXTENSION_URN]: { department: 'Tour Operations', manager: { value: 'MGR-1', displayName: 'John Smith' } },
  meta: { created: '2010-01-23T04:56:22Z', lastModified: '2011-05-13T04:42:34.1234567Z' },
};
