import { describe, expect, it } from '@jest/globals';
import { TENANT_BASE_PATH, resourceNameCasings, scimRoutes } from '../../lib/routes';

describe('resourceNameCasings', () => {
  it.each([
    ['Users', ['Users', 'users', 'USERS']],
    ['Groups', ['Groups', 'groups', 'GROUPS']],
    ['abc', ['abc', 'ABC']],
  ])('%s -> %p', (name, casings) => {
    expect(resourceNameCasings(name)).toEqual(casings);
  });
});

describe('scimRoutes', () => {
  const routes = scimRoutes();

  it('has no duplicate path', () => {
    expect(new Set(routes.map((route) => route.path)).size).toBe(routes.length);
  });

  it.each(['Users', 'users', 'USERS'])('sends every %s endpoint to the users Lambda', (casing) => {
    for (const subPath of ['', '/{id}', '/.search', '/{proxy+}']) {
      expect(routes).toContainEqual({ path: `${TENANT_BASE_PATH}/${casing}${subPath}`, target: 'users' });
    }
  });

  it.each(['Groups', 'groups', 'GROUPS'])('sends every %s endpoint to the groups Lambda', (casing) => {
    for (const subPath of ['', '/{id}', '/.search', '/{proxy+}']) {
      expect(routes).toContainEqual({ path: `${TENANT_BASE_PATH}/${casing}${subPath}`, target: 'groups' });
    }
  });

  it('sends the rest of the tenant base path to discovery', () => {
    expect(routes).toContainEqual({ path: `${TENANT_BASE_PATH}/{proxy+}`, target: 'discovery' });
    expect(routes.filter((route) => route.target === 'discovery')).toHaveLength(1);
  });

  it('uses only route keys HTTP API accepts (leading "/", no trailing "/", greedy variable last)', () => {
    for (const { path } of routes) {
      expect(path).toMatch(/^\/[^\s]*[^/]$/);
      expect(path.indexOf('+}')).toBeLessThanOrEqual(path.length - 2);
      if (path.includes('{proxy+}')) expect(path.endsWith('{proxy+}')).toBe(true);
    }
  });
});
