import { describe, expect, it } from '@jest/globals';

import { attributeAtFault } from '../../../lambdas/scim/error-attribute';
import { GROUP_SCHEMA, USER_SCHEMA } from '../../../lambdas/scim/schema';
import { ENTERPRISE_USER_URN, PROFILE_USER_URN } from '../../../lambdas/scim/schema/urns';

describe('attributeAtFault', () => {
  it.each([
    ['Invalid value for attribute "emails[0].value": Expected string, received number.', 'emails.value'],
    ['Attribute "USERNAME" is required.', 'userName'],
    ['"active" is readOnly and cannot be modified.', 'active'],
    ['Attribute "name.nickname" cannot be set by itself.', 'name'],
    [
      `Invalid value for attribute "${PROFILE_USER_URN}:peopleManager": Expected boolean.`,
      `${PROFILE_USER_URN}:peopleManager`,
    ],
    [`"${ENTERPRISE_USER_URN}:manager.value" is not a user.`, `${ENTERPRISE_USER_URN}:manager.value`],
    ['Another User already has this userName.', 'userName'],
  ])('%s -> %s', (detail, attribute) => {
    expect(attributeAtFault(detail, USER_SCHEMA)).toBe(attribute);
  });

  it('never answers what the client wrote, only the schema vocabulary', () => {
    expect(
      attributeAtFault('No users with these member ids exist: "jane.doe@example.com".', USER_SCHEMA),
    ).toBeUndefined();
    expect(attributeAtFault('Attribute "jane.doe@example.com" is unknown.', USER_SCHEMA)).toBeUndefined();
    expect(attributeAtFault('The request body is not valid JSON.', USER_SCHEMA)).toBeUndefined();
  });

  it("answers from the resource's own schema: a group error names no user attribute", () => {
    expect(attributeAtFault('Attribute "members[0].value" is unknown.', GROUP_SCHEMA)).toBe('members.value');
    expect(
      attributeAtFault(
        '"members[value eq "abc"]": a member filter can only be used to remove members.',
        GROUP_SCHEMA,
      ),
    ).toBe('members');
    expect(attributeAtFault('Attribute "userName" is required.', GROUP_SCHEMA)).toBeUndefined();
  });

  it('skips attribute names that are plain English words outside quotes', () => {
    expect(
      attributeAtFault('count must be an integer; the value is not a number.', USER_SCHEMA),
    ).toBeUndefined();
  });
});
