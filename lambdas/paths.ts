/**
 * The service's URL paths, parsed and built in one place: the tenant's SCIM base
 * `/tenants/{tenantId}/scim/v2` (Entra's "Tenant URL"), the setup page `/setup/{code}`, and any later route.
 * The CDK routes, the middlewares, the router, the logs, the CLI and the local server all use these.
 *
 * One letter-case rule: the literal segments of a template (`tenants`, `scim`, `v2`, `setup`) match exactly,
 * because API Gateway HTTP API route keys are case-sensitive and a path the API does not route must not be
 * served by the local server either. What follows the template (SCIM resource names such as `Users` or
 * `users`) is the caller's to interpret: RFC 7644 resource names match case-insensitively (http/router.ts).
 *
 * Any number of segments may precede the template: a stage (`/dev`) or a custom domain's base path. The first
 * place where the template matches wins. Parameter values are the raw segments as sent (still percent-encoded,
 * possibly empty): the caller validates them (tenant-auth checks the tenant id format before any lookup).
 */

/** The `{name}` placeholders of a template, e.g. 'tenantId' for '/tenants/{tenantId}/scim/v2'. */
type ParameterNames<Template extends string> = Template extends `${string}{${infer Name}}${infer Rest}`
  ? Name | ParameterNames<Rest>
  : never;

export type PathParameters<Template extends string> = Readonly<Record<ParameterNames<Template>, string>>;

export interface PathMatch<Template extends string> {
  /** What precedes the template, e.g. '/dev' for a stage, '' for none. */
  readonly prefix: string;
  readonly parameters: PathParameters<Template>;
  /** What follows the template, starting with '/' or empty, e.g. '/Users/42/'. */
  readonly rest: string;
}

export interface PathTemplate<Template extends string> {
  /** The template itself, e.g. for API Gateway route keys and log lines. */
  readonly template: Template;
  /** The template's match in a raw path, or undefined when the path is not under the template. */
  parse(rawPath: string): PathMatch<Template> | undefined;
  /** The path for these parameters, after an optional prefix (a stage, a base path). */
  build(parameters: PathParameters<Template>, prefix?: string): string;
}

const PLACEHOLDER = /^\{(\w+)\}$/;

export function pathTemplate<Template extends string>(template: Template): PathTemplate<Template> {
  const parts = template.split('/').slice(1);
  const names = parts.map((part) => PLACEHOLDER.exec(part)?.[1]);

  const parse = (rawPath: string): PathMatch<Template> | undefined => {
    const segments = rawPath.split('/');
    // segments[0] is what precedes the first '/', '' for any absolute path.
    for (let start = 1; start + parts.length <= segments.length; start += 1) {
      const matches = parts.every(
        (part, index) => names[index] !== undefined || segments[start + index] === part,
      );
      if (!matches) continue;
      const parameters: Record<string, string> = {};
      names.forEach((name, index) => {
        if (name !== undefined) parameters[name] = segments[start + index] ?? '';
      });
      const restSegments = segments.slice(start + parts.length);
      return {
        prefix: segments.slice(0, start).join('/'),
        parameters: parameters as PathParameters<Template>,
        rest: restSegments.length === 0 ? '' : `/${restSegments.join('/')}`,
      };
    }
    return undefined;
  };

  const build = (parameters: PathParameters<Template>, prefix = ''): string => {
    const values = parameters as Readonly<Record<string, string>>;
    const built = parts.map((part, index) => {
      const name = names[index];
      if (name === undefined) return part;
      const value = values[name] ?? '';
      // A value is one segment; a '/' would silently move the rest of the path.
      if (value === '' || value.includes('/')) throw new Error(`Path parameter ${name} is not one segment.`);
      return value;
    });
    return `${prefix.replace(/\/+$/, '')}/${built.join('/')}`;
  };

  return { template, parse, build };
}

/** A tenant's SCIM base: Entra's Tenant URL is `https://<host>/tenants/<tenantId>/scim/v2`. */
export const TENANT_SCIM_PATH = pathTemplate('/tenants/{tenantId}/scim/v2');

/** The one-time setup page a tenant's administrator opens from a setup link. */
export const SETUP_PATH = pathTemplate('/setup/{code}');

/**
 * The setup page's POSTs, `/setup/<action>`: they take the code in the body, never in the path. A code
 * (43 base64url characters) can never be one of these words.
 */
export const SETUP_ACTIONS = ['reveal', 'status'] as const;
export type SetupAction = (typeof SETUP_ACTIONS)[number];
