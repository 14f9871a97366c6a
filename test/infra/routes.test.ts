import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_ROUTE,
  RESOURCE_ENDPOINTS,
  TENANT_BASE_PATH,
  invokeSourceArnResource,
  scimRoutes,
  setupRoutes,
} from '../../lib/routes';
import { SETUP_PATH } from '../../lambdas/paths';
import { generateSetupCode } from '../../lambdas/setup/links';

describe('scimRoutes', () => {
  const routes = scimRoutes();

  it('registers each resource under its canonical name only: the collection and everything below it', () => {
    expect(routes).toEqual([
      { path: `${TENANT_BASE_PATH}/Users`, target: 'users' },
      { path: `${TENANT_BASE_PATH}/Users/{proxy+}`, target: 'users' },
      { path: `${TENANT_BASE_PATH}/Groups`, target: 'groups' },
      { path: `${TENANT_BASE_PATH}/Groups/{proxy+}`, target: 'groups' },
    ]);
    expect(RESOURCE_ENDPOINTS.map(({ target }) => target)).toEqual(['users', 'groups']);
  });

  it('uses only route keys HTTP API accepts (leading "/", no trailing "/", greedy variable last)', () => {
    for (const { path } of routes) {
      expect(path).toMatch(/^\/[^\s]*[^/]$/);
      if (path.includes('{proxy+}')) expect(path.endsWith('{proxy+}')).toBe(true);
    }
  });
});

describe('setupRoutes', () => {
  it('routes the page by GET and its two POSTs by their exact paths', () => {
    expect(setupRoutes()).toEqual([
      { method: 'GET', path: '/setup/{code}' },
      { method: 'POST', path: '/setup/reveal' },
      { method: 'POST', path: '/setup/status' },
    ]);
  });

  it('never takes a code for a POST path: a code is 43 characters, the actions are words', () => {
    const code = generateSetupCode();
    const posts = setupRoutes().filter((route) => route.method === 'POST');
    expect(posts.map((route) => SETUP_PATH.parse(route.path)?.parameters.code)).not.toContain(code);
    expect(posts.every((route) => (SETUP_PATH.parse(route.path)?.parameters.code ?? '').length < 43)).toBe(
      true,
    );
  });
});

describe('invokeSourceArnResource', () => {
  it.each([
    [DEFAULT_ROUTE, '*/$default'],
    [`${TENANT_BASE_PATH}/Users`, '*/*/tenants/*/scim/v2/Users'],
    [`${TENANT_BASE_PATH}/Groups/{proxy+}`, '*/*/tenants/*/scim/v2/Groups/*'],
  ])('%s -> %s', (path, resource) => {
    expect(invokeSourceArnResource(path)).toBe(resource);
  });

  it.each([
    ['GET', '/setup/{code}', '*/GET/setup/*'],
    ['POST', '/setup/reveal', '*/POST/setup/reveal'],
  ])('a %s route %s -> %s (its method only)', (method, path, resource) => {
    expect(invokeSourceArnResource(path, method)).toBe(resource);
  });

  /** IAM's ArnLike: `*` is any run of characters ("/" included), `?` one character. */
  const arnLike = (pattern: string, arn: string): boolean =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    ).test(arn);

  it.each([
    // What API Gateway sends for the $default route: `<stage>/$default`, one segment fewer than a route.
    [DEFAULT_ROUTE, '$default/$default', true],
    [DEFAULT_ROUTE, '$default/GET/tenants/t1/scim/v2/Users', false],
    [`${TENANT_BASE_PATH}/Users`, '$default/GET/tenants/t1/scim/v2/Users', true],
    [`${TENANT_BASE_PATH}/Users`, '$default/GET/tenants/t1/scim/v2/Groups', false],
    [`${TENANT_BASE_PATH}/Users/{proxy+}`, '$default/PATCH/tenants/t1/scim/v2/Users/a/b', true],
    [`${TENANT_BASE_PATH}/Users/{proxy+}`, '$default/PATCH/tenants/{tenantId}/scim/v2/Users/{proxy+}', true],
  ])('the pattern for %s matches %s: %p', (path, invokedAs, matches) => {
    expect(arnLike(`api/${invokeSourceArnResource(path)}`, `api/${invokedAs}`)).toBe(matches);
  });

  it.each([
    ['GET', '/setup/{code}', '$default/GET/setup/AbC-123_x', true],
    ['GET', '/setup/{code}', '$default/POST/setup/AbC-123_x', false],
    ['POST', '/setup/reveal', '$default/POST/setup/reveal', true],
    ['POST', '/setup/reveal', '$default/GET/setup/reveal', false],
  ])('the pattern for %s %s matches %s: %p', (method, path, invokedAs, matches) => {
    expect(arnLike(`api/${invokeSourceArnResource(path, method)}`, `api/${invokedAs}`)).toBe(matches);
  });

  it("shows why the API-wide `*/*/*` failed: it does not match the $default route's ARN", () => {
    expect(arnLike('api/*/*/*', 'api/$default/$default')).toBe(false);
  });
});
