import { describe, expect, it } from '@jest/globals';

import { toApiGatewayResult } from '../../../lambdas/middleware/scim-response';

describe('toApiGatewayResult', () => {
  it('serialises the body as JSON with the SCIM content type', () => {
    expect(
      toApiGatewayResult({ status: 201, headers: { Location: 'https://h/x' }, body: { id: '1' } }),
    ).toEqual({
      statusCode: 201,
      headers: { Location: 'https://h/x', 'Content-Type': 'application/scim+json' },
      body: '{"id":"1"}',
    });
  });

  it('omits the body when there is none', () => {
    expect(toApiGatewayResult({ status: 200 })).toEqual({
      statusCode: 200,
      headers: { 'Content-Type': 'application/scim+json' },
    });
  });

  it.each([204, 304])('never sends a body with %i', (status) => {
    expect(toApiGatewayResult({ status, body: { ignored: true } })).not.toHaveProperty('body');
  });

  it('keeps a content type the route set, in any case', () => {
    const result = toApiGatewayResult({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: {},
    });
    expect(result.headers).toEqual({ 'content-type': 'application/json' });
  });

  it('serialises a JSON null body as "null"', () => {
    expect(toApiGatewayResult({ status: 200, body: null }).body).toBe('null');
  });
});
