/** The core Group schema, RFC 7643 §4.2 and §8.7.1, plus the §3.1 common attributes (see common.ts). */
import { COMMON_ATTRIBUTES } from './common';
import { attribute, complexAttribute, stringAttribute } from './define';
import type { SchemaDefinition } from './types';
import { CORE_GROUP_URN } from './urns';

export const GROUP_CORE_SCHEMA: SchemaDefinition = {
  id: CORE_GROUP_URN,
  name: 'Group',
  description: 'Group',
  attributes: [
    ...COMMON_ATTRIBUTES,
    // §4.2 says REQUIRED (the §8.7.1 listing says false); and Entra matches groups by displayName, so we
    // enforce and advertise uniqueness per tenant (docs/providers.md, "Groups": a duplicate POST -> 409).
    stringAttribute('displayName', { required: true, uniqueness: 'server' }),
    complexAttribute(
      'members',
      [
        // Member ids are our resource ids, which are case-sensitive: `members[value eq "U2"]` is not u2.
        // The store matches membership items exactly, so PATCH (applyPatch and planGroupPatch) must too.
        stringAttribute('value', { mutability: 'immutable', caseExact: true }),
        attribute('$ref', 'reference', { mutability: 'immutable', referenceTypes: ['User', 'Group'] }),
        // Not in §8.7.1 but shown in §4.2 / §8.4 examples and sent by Okta.
        stringAttribute('display', { mutability: 'immutable' }),
        stringAttribute('type', { mutability: 'immutable', canonicalValues: ['User', 'Group'] }),
      ],
      { multiValued: true },
    ),
  ],
};
