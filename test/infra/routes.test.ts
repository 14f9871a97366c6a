import { describe, expect, it } from '@jest/globals';
import { TENANT_BASE_PATH, resourceNameCasings, scimRoutes } from '../../lib/routes';

describe('resourceNameCasings', () => {
  it.each([
    ['ab', ['ab', 'aB', 'Ab', 'AB']],
    ['a.b', ['a.b', 'a.B', 'A.b', 'A.B']],
    ['', ['']],
  ])('%s -> %p', (name, casings) => {
    expect(new Set(resourceNameCasings(name))).toEqual(new Set(casings));
    expect(resourceNameCasings(name)).toHaveLength(casings.length);
  });

  it.each([
    ['Users', 32],
    ['Groups', 64],
  ])('gives every spelling of %s, once each (%d)', (name, count) => {
    const casings = resourceNameCasings(name);
    expect(casings).toHaveLength(count);
    expect(new Set(casings).size).toBe(count);
    for (const casing of casings) expect(casing.toLowerCase()).toBe(name.toLowerCase());
    expect(casings).toEqual(expect.arrayContaining([name, name.toLowerCase(), name.toUpperCase()]));
  });
});

describe('scimRoutes', () => {
  const routes = scimRoutes();

  it('has no duplicate path', () => {
    expect(new Set(routes.map((route) => route.path)).size).toBe(routes.length);
  });

  it("stays within HTTP API's default quota of 300 routes, $default included", () => {
    expect(routes.length + 1).toBeLessThanOrEqual(300);
  });

  it.each([
    ['Users', 'users'],
    ['Groups', 'groups'],
  ] as const)(
    'sends the collection and everything below it, in every casing of %s, to the %s Lambda',
    (name, target) => {
      for (const casing of resourceNameCasings(name)) {
        for (const subPath of ['', '/{proxy+}']) {
          expect(routes).toContainEqual({ path: `${TENANT_BASE_PATH}/${casing}${subPath}`, target });
        }
      }
      expect(routes.filter((route) => route.target === target)).toHaveLength(
        2 * resourceNameCasings(name).length,
      );
    },
  );

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
