/**
 * Our member-profile extension (docs/product.md, "Member profile"). Entra sends these as flat keys such
 * as `urn:ietf:params:scim:schemas:extension:profile:2.0:User:managementLevel`; normalise.ts folds them in.
 */
import { attribute, stringAttribute } from './define';
import type { AttributeDefinition, SchemaDefinition } from './types';
import { PROFILE_USER_URN } from './urns';

/**
 * Exported by identity: validate.ts also accepts "yes"/"no" (any case) for it, as docs/product.md says.
 */
export const PEOPLE_MANAGER_ATTRIBUTE: AttributeDefinition = attribute('peopleManager', 'boolean');

// Built by a pure call, so that a bundle using only PEOPLE_MANAGER_ATTRIBUTE (groups, through validate.ts)
// drops the schema: esbuild cannot tell that the attribute helpers are free of side effects.
export const PROFILE_USER_SCHEMA: SchemaDefinition = /* @__PURE__ */ (() => ({
  id: PROFILE_USER_URN,
  name: 'ProfileUser',
  description: 'Member profile fields used for people matching',
  attributes: [
    stringAttribute('managementLevel'),
    stringAttribute('businessUnit'),
    stringAttribute('jobFunction'),
    PEOPLE_MANAGER_ATTRIBUTE,
    stringAttribute('managerEmail'),
    stringAttribute('office'),
  ],
}))();
