/**
 * Our member-profile extension (product.md, "Member profile fields"). Entra sends these as flat keys such
 * as `urn:ietf:params:scim:schemas:extension:profile:2.0:User:managementLevel`; normalise.ts folds them in.
 */
import { attribute, stringAttribute } from './define';
import type { AttributeDefinition, SchemaDefinition } from './types';
import { PROFILE_USER_URN } from './urns';

/**
 * Exported by identity: validate.ts also accepts "yes"/"no" (any case) for it, as product.md asks.
 */
export const PEOPLE_MANAGER_ATTRIBUTE: AttributeDefinition = attribute(
  'peopleManager',
  'boolean',
  'Whether the person manages other people. Accepts true/false and yes/no in any case.',
);

export const PROFILE_USER_SCHEMA: SchemaDefinition = {
  id: PROFILE_USER_URN,
  name: 'ProfileUser',
  description: 'Member profile fields used for people matching',
  attributes: [
    stringAttribute(
      'managementLevel',
      'Management level, mapped to a role segment (e.g. "Director", "Individual Contributor").',
    ),
    stringAttribute('businessUnit', 'The business unit the person belongs to.'),
    stringAttribute('jobFunction', 'The job function of the person.'),
    PEOPLE_MANAGER_ATTRIBUTE,
    stringAttribute('managerEmail', "The email address of the person's manager."),
    stringAttribute('office', 'The office the person works from.'),
  ],
};
