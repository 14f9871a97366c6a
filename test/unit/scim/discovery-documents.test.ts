import { describe, expect, it } from '@jest/globals';
import {
  attributeDocument,
  resourceTypeDocument,
  schemaDocument,
  serviceProviderConfigDocument,
} from '../../../lambdas/scim/discovery-documents';
import type { JsonObject } from '../../../lambdas/scim/json';
import {
  ALL_SCHEMAS,
  CORE_USER_URN,
  ENTERPRISE_USER_SCHEMA,
  ENTERPRISE_USER_URN,
  GROUP_SCHEMA,
  PROFILE_USER_URN,
  USER_SCHEMA,
} from '../../../lambdas/scim/schema';
import { complexAttribute, stringAttribute } from '../../../lambdas/scim/schema/define';

const BASE_URL = 'https://api.example.com/tenants/acme/scim/v2';

describe('schemaDocument (RFC 7643 §7)', () => {
  it.each(ALL_SCHEMAS.map((schema) => [schema.id, schema] as const))('%s', (_id, schema) => {
    const document = schemaDocument(schema, `${BASE_URL}/`);
    expect(document).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
      id: schema.id,
      name: schema.name,
      description: schema.description,
      meta: { resourceType: 'Schema', location: `${BASE_URL}/Schemas/${schema.id}` },
    });
    expect(document.attributes).toHaveLength(schema.attributes.length);
    // It survives JSON (no undefined, no functions) and equals the data it came from.
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
  });

  it('serialises every characteristic of an attribute, with sub-attributes', () => {
    const emails = USER_SCHEMA.core.attributes.find((attribute) => attribute.name === 'emails');
    if (!emails) throw new Error('no emails');
    const document = attributeDocument(CORE_USER_URN, emails);
    expect(document).toMatchObject({
      name: 'emails',
      type: 'complex',
      description: 'Email addresses for the user.',
      multiValued: true,
      required: false,
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'none',
    });
    const type = (document.subAttributes as JsonObject[]).find((sub) => sub.name === 'type');
    expect(type).toEqual({
      name: 'type',
      type: 'string',
      multiValued: false,
      description: "A label indicating the attribute's function.",
      required: false,
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'none',
      canonicalValues: ['work', 'home', 'other'],
    });
  });

  it('takes each description from descriptions.ts by schema and path', () => {
    const attributes = schemaDocument(GROUP_SCHEMA.core, BASE_URL).attributes as JsonObject[];
    const members = attributes.find((attribute) => attribute.name === 'members');
    expect(members?.description).toBe('A list of members of the Group.');
    expect((members?.subAttributes as JsonObject[]).map((sub) => [sub.name, sub.description])).toEqual([
      ['value', 'Identifier of the member of this Group.'],
      ['$ref', 'The URI corresponding to a SCIM resource that is a member of this Group.'],
      ['display', 'A human-readable name, primarily used for display purposes.'],
      ['type', 'A label indicating the type of resource, e.g. "User" or "Group".'],
    ]);
    const enterprise = schemaDocument(ENTERPRISE_USER_SCHEMA, BASE_URL).attributes as JsonObject[];
    expect(enterprise.find((attribute) => attribute.name === 'costCenter')?.description).toBe(
      'Identifies the name of a cost center.',
    );
  });

  it('refuses to document an attribute that has no description', () => {
    const undescribed = stringAttribute('shoeSize');
    expect(() => attributeDocument(CORE_USER_URN, undescribed)).toThrow(
      'No description for attribute shoeSize of schema urn:ietf:params:scim:schemas:core:2.0:User',
    );
    const withUndescribedSub = complexAttribute('name', [stringAttribute('nope')]);
    expect(() => attributeDocument(CORE_USER_URN, withUndescribedSub)).toThrow(
      'No description for attribute name.nope of schema urn:ietf:params:scim:schemas:core:2.0:User',
    );
  });

  it('lists referenceTypes for references and no subAttributes for simple attributes', () => {
    const user = schemaDocument(USER_SCHEMA.core, BASE_URL);
    const attributes = user.attributes as JsonObject[];
    expect(attributes.find((attribute) => attribute.name === 'profileUrl')).toMatchObject({
      type: 'reference',
      referenceTypes: ['external'],
    });
    expect(attributes.find((attribute) => attribute.name === 'userName')).not.toHaveProperty('subAttributes');
    // We never store passwords, and the IPSIE profile forbids offering one: /Schemas lists none.
    expect(attributes.find((attribute) => attribute.name === 'password')).toBeUndefined();
  });
});

describe('resourceTypeDocument (RFC 7643 §6)', () => {
  it('describes Users with both extensions', () => {
    expect(resourceTypeDocument(USER_SCHEMA.resourceType, BASE_URL)).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'User Account',
      schema: CORE_USER_URN,
      schemaExtensions: [
        { schema: ENTERPRISE_USER_URN, required: false },
        { schema: PROFILE_USER_URN, required: false },
      ],
      meta: { resourceType: 'ResourceType', location: `${BASE_URL}/ResourceTypes/User` },
    });
  });

  it('describes Groups with no extensions', () => {
    expect(resourceTypeDocument(GROUP_SCHEMA.resourceType, BASE_URL)).toMatchObject({
      id: 'Group',
      endpoint: '/Groups',
      schema: 'urn:ietf:params:scim:schemas:core:2.0:Group',
      schemaExtensions: [],
      meta: { resourceType: 'ResourceType', location: `${BASE_URL}/ResourceTypes/Group` },
    });
  });
});

describe('serviceProviderConfigDocument (RFC 7643 §5, RFC 9865 §2.3)', () => {
  const document = serviceProviderConfigDocument({
    baseUrl: BASE_URL,
    maxResults: 200,
    defaultPageSize: 100,
    maxPageSize: 200,
    cursorTimeout: 3600,
  });

  it('advertises exactly what the service supports', () => {
    expect(document).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: true },
      pagination: {
        cursor: true,
        index: true,
        defaultPaginationMethod: 'index',
        defaultPageSize: 100,
        maxPageSize: 200,
        cursorTimeout: 3600,
      },
      authenticationSchemes: [
        {
          type: 'oauthbearertoken',
          name: 'OAuth Bearer Token',
          description: expect.any(String) as unknown as string,
          specUri: 'https://www.rfc-editor.org/info/rfc6750',
          primary: true,
        },
      ],
      meta: { resourceType: 'ServiceProviderConfig', location: `${BASE_URL}/ServiceProviderConfig` },
    });
  });

  it('includes documentationUri when given', () => {
    expect(
      serviceProviderConfigDocument({
        baseUrl: BASE_URL,
        maxResults: 1,
        defaultPageSize: 1,
        maxPageSize: 1,
        cursorTimeout: 1,
        documentationUri: 'https://docs.example.com/scim',
      }),
    ).toMatchObject({ documentationUri: 'https://docs.example.com/scim' });
  });
});
