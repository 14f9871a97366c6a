import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';

import { SETUP_PATH, TENANT_SCIM_PATH, pathTemplate } from '../../lambdas/paths';

describe('TENANT_SCIM_PATH.parse', () => {
  it.each([
    ['/tenants/acme/scim/v2', { prefix: '', parameters: { tenantId: 'acme' }, rest: '' }],
    ['/tenants/acme/scim/v2/', { prefix: '', parameters: { tenantId: 'acme' }, rest: '/' }],
    ['/tenants/acme/scim/v2/users/42', { prefix: '', parameters: { tenantId: 'acme' }, rest: '/users/42' }],
    [
      '/dev/tenants/acme/scim/v2/Groups',
      { prefix: '/dev', parameters: { tenantId: 'acme' }, rest: '/Groups' },
    ],
    ['/a/b/tenants/x/scim/v2', { prefix: '/a/b', parameters: { tenantId: 'x' }, rest: '' }],
    // The value is the raw segment: tenant-auth validates it (an empty or encoded id names no tenant).
    ['/tenants//scim/v2/Users', { prefix: '', parameters: { tenantId: '' }, rest: '/Users' }],
    ['/tenants/a%2Fb/scim/v2', { prefix: '', parameters: { tenantId: 'a%2Fb' }, rest: '' }],
    // The first match wins.
    [
      '/tenants/a/scim/v2/tenants/b/scim/v2',
      { prefix: '', parameters: { tenantId: 'a' }, rest: '/tenants/b/scim/v2' },
    ],
  ])('%s', (rawPath, expected) => {
    expect(TENANT_SCIM_PATH.parse(rawPath)).toEqual(expected);
  });

  it.each([
    // One letter-case rule: the template's literal segments match exactly, as API Gateway route keys do.
    '/Tenants/acme/scim/v2',
    '/tenants/acme/SCIM/v2',
    '/tenants/acme/scim/V2/Users',
    '/tenants/acme/scim/v3/Users',
    '/tenants/acme/scim/v2x/Users',
    '/tenants/acme/scim',
    '/tenants/acme/Users',
    'tenants/acme/scim/v2',
    '/Users',
    '',
  ])('%s is not under a tenant', (rawPath) => {
    expect(TENANT_SCIM_PATH.parse(rawPath)).toBeUndefined();
  });
});

describe('building', () => {
  it('the template is the API Gateway route key form', () => {
    expect(TENANT_SCIM_PATH.template).toBe('/tenants/{tenantId}/scim/v2');
    expect(SETUP_PATH.template).toBe('/setup/{code}');
  });

  it.each([
    [undefined, '/tenants/acme/scim/v2'],
    ['/dev', '/dev/tenants/acme/scim/v2'],
    ['https://scim.example.com/', 'https://scim.example.com/tenants/acme/scim/v2'],
    ['http://localhost:8080//', 'http://localhost:8080/tenants/acme/scim/v2'],
  ])('after prefix %s: %s', (prefix, expected) => {
    expect(TENANT_SCIM_PATH.build({ tenantId: 'acme' }, prefix)).toBe(expected);
  });

  it.each(['', 'a/b'])('refuses a parameter %j that is not one segment', (tenantId) => {
    expect(() => TENANT_SCIM_PATH.build({ tenantId })).toThrow('tenantId');
  });

  it('parse inverts build, for the setup page and any template', () => {
    const value = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/);
    // Upper-case prefix and rest segments, so they never spell a template's (lower-case) literal segment.
    const segments = fc
      .array(fc.stringMatching(/^[A-Z0-9]{1,8}$/), { maxLength: 3 })
      .map((parts) => parts.map((part) => `/${part}`).join(''));
    const twoParameters = pathTemplate('/x/{a}/y/{b}');
    fc.assert(
      fc.property(value, value, segments, segments, (first, second, prefix, rest) => {
        expect(SETUP_PATH.parse(`${SETUP_PATH.build({ code: first }, prefix)}${rest}`)).toEqual({
          prefix,
          parameters: { code: first },
          rest,
        });
        expect(twoParameters.parse(`${twoParameters.build({ a: first, b: second }, prefix)}${rest}`)).toEqual(
          {
            prefix,
            parameters: { a: first, b: second },
            rest,
          },
        );
      }),
    );
  });

  it('SETUP_PATH parses the setup page path', () => {
    expect(SETUP_PATH.parse('/prod/setup/Xy_9')).toEqual({
      prefix: '/prod',
      parameters: { code: 'Xy_9' },
      rest: '',
    });
    expect(SETUP_PATH.parse('/Setup/Xy_9')).toBeUndefined();
    expect(SETUP_PATH.build({ code: 'Xy_9' })).toBe('/setup/Xy_9');
  });
});
