/**
 * /Schemas through the real discovery handler, byte for byte against a recorded answer. The fixture was
 * recorded before the attribute descriptions moved out of the schema definitions into
 * lambdas/scim/schema/descriptions.ts; any change to what /Schemas serves, down to key order and wording,
 * fails here. The fixture is pretty-printed for review and the handler answers compact JSON, so the
 * fixture is re-serialised compactly (JSON.stringify keeps key order) before the comparison.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from '@jest/globals';

import type { TokenStore } from '../../../lambdas/auth/token-store';
import { hashToken } from '../../../lambdas/auth/tokens';
import { createDiscoveryHandler } from '../../../lambdas/http/discovery-handler';
import { createLogger } from '../../../lambdas/logger';
import { makeContext, makeEvent } from '../middleware/helpers';

const TOKEN = 'scim_unit-test-token-0123456789abcdefghijklmnop';

const tokenStore: TokenStore = {
  getTenantTokens: (tenantId) =>
    Promise.resolve({
      tenantId,
      tokens: [{ id: 'tok_1', sha256: hashToken(TOKEN), createdAt: '2026-01-01T00:00:00Z' }],
    }),
};

const discovery = createDiscoveryHandler({
  tokenStore,
  logger: createLogger({ serviceName: 'discovery-schemas-test', logLevel: 'SILENT' }),
});

interface RecordedAttribute {
  readonly name: string;
  readonly description: string;
  readonly subAttributes?: readonly RecordedAttribute[];
}

interface SchemaList {
  readonly Resources: readonly { readonly id: string; readonly attributes: readonly RecordedAttribute[] }[];
}

const recorded = JSON.parse(
  readFileSync(path.join(__dirname, 'fixtures/schemas.json'), 'utf8'),
) as SchemaList;

const get = async (schemasPath: string): Promise<{ statusCode?: number; body?: string }> =>
  discovery(
    makeEvent({
      rawPath: `/tenants/acme/scim/v2${schemasPath}`,
      headers: { authorization: `Bearer ${TOKEN}`, 'x-forwarded-proto': 'https' },
    }),
    makeContext(),
  );

describe('GET /Schemas serves exactly the recorded documents', () => {
  it('lists all four schemas', async () => {
    const result = await get('/Schemas');
    expect(result.statusCode).toBe(200);
    expect(result.body).toBe(JSON.stringify(recorded));
  });

  it.each(recorded.Resources.map((schema) => [schema.id, schema] as const))(
    '/Schemas/%s',
    async (id, schema) => {
      const result = await get(`/Schemas/${id}`);
      expect(result.statusCode).toBe(200);
      expect(result.body).toBe(JSON.stringify(schema));
    },
  );

  it('has recorded the four schemas, with a description on every attribute and sub-attribute', () => {
    expect(recorded.Resources.map((schema) => schema.id)).toEqual([
      'urn:ietf:params:scim:schemas:core:2.0:User',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      'urn:ietf:params:scim:schemas:extension:profile:2.0:User',
      'urn:ietf:params:scim:schemas:core:2.0:Group',
    ]);
    const attributes = recorded.Resources.flatMap((schema) =>
      schema.attributes.flatMap((attribute) => [attribute, ...(attribute.subAttributes ?? [])]),
    );
    expect(attributes.length).toBeGreaterThan(100);
    for (const attribute of attributes) expect(attribute.description).not.toBe('');
  });
});
