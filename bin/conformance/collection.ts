/**
 * The pure half of `npm run conformance`: what a Postman collection needs to run against one tenant of
 * this service, and what a newman run's result comes to. Written for Microsoft's SCIM reference
 * collection (README, "Conformance"; docs/providers.md, "Microsoft's reference test collection"), whose
 * requests are addressed as `{{Protocol}}://{{Server}}{{Port}}/{{Api}}/Users` with a bearer `{{token}}`.
 */

/** Top-level folders that exercise the reference server itself, not SCIM: its own token endpoint. */
const REFERENCE_SERVER_ONLY_FOLDERS: ReadonlySet<string> = new Set(['Get Token']);

/** The reference server's name for the discovery endpoint, and the RFC 7644 §4 name we answer on. */
const REFERENCE_CONFIG_PATH = 'serviceConfiguration';
const RFC_CONFIG_PATH = 'ServiceProviderConfig';

export interface PostmanCollection {
  readonly info?: unknown;
  readonly item: readonly PostmanItem[];
  readonly [key: string]: unknown;
}

export interface PostmanItem {
  readonly name?: string;
  readonly [key: string]: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The collection without the reference server's own folders, with `serviceConfiguration` (in URLs and
 * path segments) renamed to `ServiceProviderConfig`. Throws when `json` is not a Postman collection.
 */
export function adaptCollection(json: unknown): PostmanCollection {
  if (!isObject(json) || !Array.isArray(json.item)) {
    throw new Error('Not a Postman collection: expected a JSON object with an "item" list.');
  }
  const items = (json.item as unknown[]).filter(
    (item) =>
      !(isObject(item) && typeof item.name === 'string' && REFERENCE_SERVER_ONLY_FOLDERS.has(item.name)),
  );
  const text = JSON.stringify({ ...json, item: items })
    .replaceAll(`/${REFERENCE_CONFIG_PATH}`, `/${RFC_CONFIG_PATH}`)
    .replaceAll(`"${REFERENCE_CONFIG_PATH}"`, `"${RFC_CONFIG_PATH}"`);
  return JSON.parse(text) as PostmanCollection;
}

export interface EnvironmentVariable {
  readonly key: string;
  readonly value: string;
}

/**
 * The variables the collection addresses the tenant with: the reference collection's split URL
 * (Protocol, Server, Port with its colon, Api without slashes) and token, plus `baseUrl` for others.
 */
export function tenantVariables(tenantUrl: string, token: string): EnvironmentVariable[] {
  const url = new URL(tenantUrl);
  return [
    { key: 'Protocol', value: url.protocol.replace(/:$/, '') },
    { key: 'Server', value: url.hostname },
    { key: 'Port', value: url.port === '' ? '' : `:${url.port}` },
    { key: 'Api', value: url.pathname.replace(/^\/+|\/+$/g, '') },
    { key: 'baseUrl', value: tenantUrl.replace(/\/+$/, '') },
    { key: 'token', value: token },
  ];
}

/** The parts of newman's run summary (`summary.run`) that the result is computed from. */
export interface NewmanRunResult {
  readonly stats: {
    readonly assertions: { readonly total?: number; readonly failed?: number };
    readonly requests: { readonly total?: number; readonly failed?: number };
  };
  readonly failures: readonly {
    readonly error?: { readonly test?: string; readonly message?: string };
    readonly source?: { readonly name?: string };
    readonly at?: string;
  }[];
}

export interface ConformanceFailure {
  /** The request (collection item) name. */
  readonly request: string;
  /** The assertion's name, or where a non-assertion failure happened (`request`, `test-script`). */
  readonly test: string;
  readonly message: string;
}

export interface ConformanceSummary {
  readonly passed: number;
  readonly failed: number;
  /** Requests that got no response at all (connection refused, timeout). */
  readonly failedRequests: number;
  readonly failures: readonly ConformanceFailure[];
}

export function summariseRun(run: NewmanRunResult): ConformanceSummary {
  const total = run.stats.assertions.total ?? 0;
  const failed = run.stats.assertions.failed ?? 0;
  return {
    passed: total - failed,
    failed,
    failedRequests: run.stats.requests.failed ?? 0,
    failures: run.failures.map((failure) => ({
      request: failure.source?.name ?? '(collection)',
      test: failure.error?.test ?? failure.at ?? '',
      message: failure.error?.message ?? '',
    })),
  };
}

/** One line per failure, then `N passed, N failed` (and the requests that got no response, if any). */
export function formatSummary(summary: ConformanceSummary): string[] {
  const lines = summary.failures.map(
    (failure) => `FAIL ${failure.request} :: ${failure.test} :: ${failure.message}`,
  );
  if (summary.failedRequests > 0) lines.push(`${summary.failedRequests} requests got no response`);
  lines.push(`${summary.passed} passed, ${summary.failed} failed`);
  return lines;
}

/** Whether the run is a success: every assertion passed and every request was answered. */
export const allPassed = (summary: ConformanceSummary): boolean =>
  summary.failed === 0 && summary.failedRequests === 0 && summary.failures.length === 0;
