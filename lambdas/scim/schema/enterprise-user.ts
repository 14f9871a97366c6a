/** The Enterprise User extension, RFC 7643 §4.3 and §8.7.1. */
import { attribute, complexAttribute, stringAttribute } from './define';
import type { SchemaDefinition } from './types';
import { ENTERPRISE_USER_URN } from './urns';

export const ENTERPRISE_USER_SCHEMA: SchemaDefinition = {
  id: ENTERPRISE_USER_URN,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    stringAttribute(
      'employeeNumber',
      'Numeric or alphanumeric identifier assigned to a person by the organization.',
    ),
    stringAttribute('costCenter', 'Identifies the name of a cost center.'),
    stringAttribute('organization', 'Identifies the name of an organization.'),
    stringAttribute('division', 'Identifies the name of a division.'),
    stringAttribute('department', 'Identifies the name of a department.'),
    complexAttribute(
      'manager',
      "The User's manager. A complex type that optionally allows service providers to represent organizational hierarchy by referencing the 'id' attribute of another User.",
      [
        stringAttribute('value', "The id of the SCIM resource representing the User's manager."),
        attribute('$ref', 'reference', "The URI of the SCIM resource representing the User's manager.", {
          referenceTypes: ['User'],
        }),
        stringAttribute('displayName', "The displayName of the User's manager.", { mutability: 'readOnly' }),
      ],
    ),
  ],
};
