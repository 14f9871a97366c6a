/**
 * End-to-end harness: the local server in-process on a free port, against the integration project's
 * DynamoDB Local (a table of its own per test file), spoken to over real HTTP with fetch.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { newTenantRecord } from '../../../lambdas/auth/tokens';
import type { LocalServer } from '../../../bin/local/server';
import { startLocalServer } from '../../../bin/local/server';

export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON, or undefined for an empty body. */
  readonly body: Record<string, unknown> | undefined;
}

export interface RequestOptions {
  readonly body?: unknown;
  /** Sent as is, for malformed bodies. */
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  /** Send no Authorization header. */
  readonly anonymous?: boolean;
}

export class ScimClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
    /** Appended to every request's query string, e.g. `aadOptscim062020` for Entra's newer dialect. */
    readonly flag = '',
  ) {}

  /** `path` is relative to the tenant base URL and may carry a query string. */
  url(path: string): string {
    if (this.flag === '') return `${this.baseUrl}${path}`;
    return `${this.baseUrl}${path}${path.includes('?') ? '&' : '?'}${this.flag}`;
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<HttpResult> {
    const payload =
      options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const response = await fetch(this.url(path), {
      method,
      headers: {
        ...(options.anonymous ? {} : { Authorization: `Bearer ${this.token}` }),
        ...(payload !== undefined ? { 'Content-Type': 'application/scim+json' } : {}),
        ...options.headers,
      },
      ...(payload !== undefined ? { body: payload } : {}),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>),
    };
  }

  get = (path: string, options?: RequestOptions) => this.request('GET', path, options);
  post = (path: string, body: unknown, options?: RequestOptions) =>
    this.request('POST', path, { ...options, body });
  put = (path: string, body: unknown, options?: RequestOptions) =>
    this.request('PUT', path, { ...options, body });
  delete = (path: string, options?: RequestOptions) => this.request('DELETE', path, options);
  patch = (path: string, operations: unknown[], options?: RequestOptions) =>
    this.request('PATCH', path, { ...options, body: { schemas: [PATCH_OP], Operations: operations } });

  /** Entra's matching query, encoded as Entra does: `+` for spaces. */
  filter = (resource: string, filter: string, extra = '') =>
    this.get(
      `/${resource}?${extra}${extra === '' ? '' : '&'}filter=${encodeURIComponent(filter).replace(/%20/g, '+')}`,
    );
}

export interface E2eServer {
  readonly server: LocalServer;
  /** A client for the server's dev tenant. */
  readonly client: ScimClient;
  /** Creates another tenant and returns a client for it. */
  addTenant(tenantId: string): Promise<ScimClient>;
  stop(): Promise<void>;
}

export async function startE2eServer(): Promise<E2eServer> {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (endpoint === undefined) throw new Error('DYNAMODB_ENDPOINT is not set: run in the integration project');
  const dataDir = await mkdtemp(join(tmpdir(), 'scim-e2e-'));
  const server = await startLocalServer({
    port: 0,
    dataDir,
    dynamoDbEndpoint: endpoint,
    tableName: `e2e-${randomBytes(6).toString('hex')}`,
    tenantId: 'tenant-a',
    logLevel: 'SILENT',
  });
  const tenantUrl = (tenantId: string) => `${server.url}/tenants/${tenantId}/scim/v2`;
  return {
    server,
    client: new ScimClient(server.tenantUrl, server.token),
    async addTenant(tenantId) {
      const { record, token } = newTenantRecord(tenantId, new Date());
      await server.tokenStore.createTenantTokens(record);
      return new ScimClient(tenantUrl(tenantId), token);
    },
    async stop() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const entraUser = (
  userName: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  schemas: [CORE_USER, ENTERPRISE],
  externalId: `ext-${userName}`,
  userName,
  active: true,
  displayName: `Display ${userName}`,
  emails: [{ primary: true, type: 'work', value: userName }],
  name: { givenName: 'Given', familyName: 'Family' },
  ...extra,
});

export const idOf = (result: HttpResult): string => {
  const id = result.body?.id;
  if (typeof id !== 'string') throw new Error(`no id in a ${result.status} answer`);
  return id;
};

export const resourcesOf = (result: HttpResult): Record<string, unknown>[] =>
  (result.body?.Resources as Record<string, unknown>[] | undefined) ?? [];
