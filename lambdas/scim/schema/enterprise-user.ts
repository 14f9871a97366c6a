/** The Enterprise User extension, RFC 7643 §4.3 and §8.7.1. */
import { attribute, complexAttribute, stringAttribute } from './define';
import type { SchemaDefinition } from './types';
import { ENTERPRISE_USER_URN } from './urns';

export const ENTERPRISE_USER_SCHEMA: SchemaDefinition = {
  id: ENTERPRISE_USER_URN,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    stringAttribute('employeeNumber'),
    stringAttribute('costCenter'),
    stringAttribute('organization'),
    stringAttribute('division'),
    stringAttribute('department'),
    complexAttribute('manager', [
      stringAttribute('value'),
      attribute('$ref', 'reference', { referenceTypes: ['User'] }),
      stringAttribute('displayName', { mutability: 'readOnly' }),
    ]),
  ],
};
