import { describe, expect, it } from '@jest/globals';
import { listResponse } from '../../../lambdas/scim/list-response';
import { LIST_RESPONSE_URN } from '../../../lambdas/scim/schema';

describe('listResponse', () => {
  it('is exactly what Entra Test Connection expects for zero results', () => {
    expect(JSON.parse(JSON.stringify(listResponse([], { totalResults: 0, startIndex: 1 })))).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      Resources: [],
      startIndex: 1,
      itemsPerPage: 0,
    });
  });

  it('counts the page for itemsPerPage by default (RFC 7644 §3.4.2 example)', () => {
    const resources = [
      { id: '2819c223', userName: 'bjensen' },
      { id: 'c75ad752', userName: 'jsmith' },
    ];
    expect(listResponse(resources, { totalResults: 100, startIndex: 11 })).toEqual({
      schemas: [LIST_RESPONSE_URN],
      totalResults: 100,
      startIndex: 11,
      itemsPerPage: 2,
      Resources: resources,
    });
  });

  it('uses an explicit itemsPerPage and carries RFC 9865 cursors', () => {
    const page = listResponse([{ id: 'a' }], {
      totalResults: 3,
      startIndex: 1,
      itemsPerPage: 1,
      nextCursor: 'VZUTiyhEQJ94IR',
      previousCursor: 'ze7L30kMiiLX6x',
    });
    expect(page).toMatchObject({
      itemsPerPage: 1,
      nextCursor: 'VZUTiyhEQJ94IR',
      previousCursor: 'ze7L30kMiiLX6x',
    });
  });

  it('omits cursors that are not given (the last page)', () => {
    const page = listResponse([{ id: 'a' }], { totalResults: 1, startIndex: 1 });
    expect(page).not.toHaveProperty('nextCursor');
    expect(page).not.toHaveProperty('previousCursor');
  });

  it('copies the resources so later changes to the input do not leak in', () => {
    const resources = [{ id: 'a' }];
    const page = listResponse(resources, { totalResults: 1, startIndex: 1 });
    resources.push({ id: 'b' });
    expect(page.Resources).toEqual([{ id: 'a' }]);
  });
});
