import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';

import { handlerForPath, matchPath, route } from '../../../lambdas/http/router';
import { ScimError } from '../../../lambdas/scim/errors';
import { expectScimError } from '../scim-errors';

const BASE = '/tenants/acme/scim/v2';

describe('matchPath', () => {
  it.each([
    [`${BASE}/Users`, { kind: 'collection', resource: 'Users' }],
    [`${BASE}/users`, { kind: 'collection', resource: 'Users' }],
    [`${BASE}/USERS/`, { kind: 'collection', resource: 'Users' }],
    [`/dev${BASE}/Users`, { kind: 'collection', resource: 'Users' }],
    [`/a/b${BASE}/Groups`, { kind: 'collection', resource: 'Groups' }],
    [`${BASE}/Users/.search`, { kind: 'search', resource: 'Users' }],
    [`${BASE}/groups/.SEARCH/`, { kind: 'search', resource: 'Groups' }],
    [`${BASE}/.search`, { kind: 'rootSearch' }],
    [`${BASE}/.SEARCH/`, { kind: 'rootSearch' }],
    [
      `${BASE}/Users/2819c223-7f76-453a-919d-413861904646`,
      { kind: 'item', resource: 'Users', id: '2819c223-7f76-453a-919d-413861904646' },
    ],
    [`${BASE}/Groups/abc/`, { kind: 'item', resource: 'Groups', id: 'abc' }],
    [`${BASE}/Users/a%20b`, { kind: 'item', resource: 'Users', id: 'a b' }],
    [`${BASE}/ServiceProviderConfig`, { kind: 'discovery', endpoint: 'ServiceProviderConfig' }],
    [`${BASE}/serviceproviderconfig/`, { kind: 'discovery', endpoint: 'ServiceProviderConfig' }],
    [`${BASE}/ResourceTypes`, { kind: 'discovery', endpoint: 'ResourceTypes' }],
    [`${BASE}/ResourceTypes/User`, { kind: 'discovery', endpoint: 'ResourceTypes', id: 'User' }],
    [`${BASE}/Schemas`, { kind: 'discovery', endpoint: 'Schemas' }],
    [
      `${BASE}/Schemas/urn:ietf:params:scim:schemas:core:2.0:User`,
      { kind: 'discovery', endpoint: 'Schemas', id: 'urn:ietf:params:scim:schemas:core:2.0:User' },
    ],
  ])('%s', (path, expected) => {
    expect(matchPath(path)).toEqual(expected);
  });

  it.each([
    `${BASE}`,
    `${BASE}/`,
    `${BASE}/Bulk`,
    `${BASE}/Me`,
    `${BASE}/Users/1/extra`,
    `${BASE}/Users//1`,
    `${BASE}/Users/%E0%A4%A`,
    `${BASE}/ServiceProviderConfig/x`,
    `${BASE}/.search/x`,
    '/tenants/acme/Users',
    '/Users',
    '/',
    '',
  ])('%s is a SCIM 404', (path) => {
    expectScimError(() => matchPath(path), 404, undefined);
  });
});

describe('route', () => {
  it.each([
    ['GET', `${BASE}/Users`, { resource: 'Users', operation: 'list' }],
    ['post', `${BASE}/Users`, { resource: 'Users', operation: 'create' }],
    ['POST', `${BASE}/Groups/.search`, { resource: 'Groups', operation: 'search' }],
    ['POST', `${BASE}/.search`, { resource: 'root', operation: 'search' }],
    ['GET', `${BASE}/Users/1`, { resource: 'Users', operation: 'get', id: '1' }],
    ['PUT', `${BASE}/Users/1`, { resource: 'Users', operation: 'replace', id: '1' }],
    ['PATCH', `${BASE}/Groups/1`, { resource: 'Groups', operation: 'patch', id: '1' }],
    ['DELETE', `${BASE}/Groups/1`, { resource: 'Groups', operation: 'delete', id: '1' }],
    ['GET', `${BASE}/Schemas`, { resource: 'discovery', endpoint: 'Schemas' }],
    ['GET', `${BASE}/ResourceTypes/Group`, { resource: 'discovery', endpoint: 'ResourceTypes', id: 'Group' }],
  ])('%s %s', (method, path, expected) => {
    expect(route(method, path)).toEqual(expected);
  });

  it.each([
    ['DELETE', `${BASE}/Users`, 'GET, POST'],
    ['PATCH', `${BASE}/Groups`, 'GET, POST'],
    ['GET', `${BASE}/Users/.search`, 'POST'],
    ['GET', `${BASE}/.search`, 'POST'],
    ['POST', `${BASE}/Users/1`, 'GET, PUT, PATCH, DELETE'],
    ['POST', `${BASE}/Schemas`, 'GET'],
    ['DELETE', `${BASE}/ServiceProviderConfig`, 'GET'],
  ])('%s %s is 405 with Allow: %s', (method, path, allow) => {
    const error = expectScimError(() => route(method, path), 405, undefined);
    expect(error.headers).toEqual({ Allow: allow });
  });

  it('an unknown path is 404 whatever the method', () => {
    expectScimError(() => route('DELETE', `${BASE}/Bulk`), 404, undefined);
  });

  it('never throws anything but a ScimError', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'),
        (suffix, method) => {
          try {
            route(method, `${BASE}/${suffix}`);
          } catch (error) {
            expect(error).toBeInstanceOf(ScimError);
            expect([404, 405]).toContain((error as ScimError).status);
          }
        },
      ),
    );
  });
});

describe('handlerForPath', () => {
  it.each([
    [`${BASE}/Users`, 'users'],
    [`/dev${BASE}/users/1`, 'users'],
    [`${BASE}/GROUPS/.search`, 'groups'],
    [`${BASE}/.search`, 'discovery'],
    [`${BASE}/Schemas`, 'discovery'],
    [`${BASE}/Bulk`, 'discovery'],
    ['/favicon.ico', 'discovery'],
    [`${BASE}/Users/%E0%A4%A`, 'discovery'],
  ])('%s -> %s', (path, expected) => {
    expect(handlerForPath(path)).toBe(expected);
  });
});
