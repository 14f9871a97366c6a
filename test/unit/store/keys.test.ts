import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ScimError } from '../../../lambdas/scim/errors';
import { RESOURCE_SCHEMAS, USER_SCHEMA } from '../../../lambdas/scim/schema';
import { resolveAttribute } from '../../../lambdas/scim/schema/resolve';
import {
  counterKey,
  emailKey,
  externalIdKey,
  externalIdPartition,
  idFromResourceSortKey,
  memberKey,
  pageMarkerKey,
  resourceKey,
  tenantKey,
  uniqueKey,
  memberIndexPartition,
} from '../../../lambdas/store/keys';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const GROUP = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

describe('key builders', () => {
  it.each([
    ['user', resourceKey('acme', 'User', ID), { pk: 'T#acme#USERS', sk: `USER#${ID}` }],
    ['group', resourceKey('acme', 'Group', GROUP), { pk: 'T#acme#GROUPS', sk: `GROUP#${GROUP}` }],
    [
      'userName lookup (lower-cased)',
      uniqueKey('acme', 'User', 'userName', 'Bob@X.com'),
      { pk: 'T#acme#USER#USERNAME#bob@x.com', sk: 'UNIQUE' },
    ],
    [
      'externalId lookup (not unique: one per resource, case kept)',
      externalIdKey('acme', 'User', 'AbC', ID),
      { pk: 'T#acme#USER#EXTERNALID#AbC', sk: ID },
    ],
    [
      'group externalId lookup is per type',
      externalIdKey('acme', 'Group', 'AbC', GROUP),
      { pk: 'T#acme#GROUP#EXTERNALID#AbC', sk: GROUP },
    ],
    [
      'displayName lookup',
      uniqueKey('acme', 'Group', 'displayName', 'Sales'),
      { pk: 'T#acme#GROUP#DISPLAYNAME#sales', sk: 'UNIQUE' },
    ],
    ['email lookup', emailKey('acme', 'A@X.com', ID), { pk: 'T#acme#USER#EMAIL#a@x.com', sk: ID }],
    ['member', memberKey('acme', GROUP, ID), { pk: `T#acme#GROUP#${GROUP}#MEMBERS`, sk: ID }],
    [
      'member index partition',
      { pk: memberIndexPartition('acme', ID), sk: '' },
      { pk: `T#acme#USER#${ID}`, sk: '' },
    ],
    ['tenant', tenantKey('acme'), { pk: 'T#acme', sk: 'TENANT' }],
    ['counter shard', counterKey('acme', 'User', 3), { pk: 'T#acme', sk: 'COUNT#USER#03' }],
    ['page marker', pageMarkerKey('acme', 'Group', 101), { pk: 'T#acme#PAGES', sk: 'GROUP#101' }],
  ])('%s', (_name, key, expected) => {
    expect(key).toEqual(expected);
  });

  it('gives two resources sharing an externalId distinct items in one partition, and case-variants none', () => {
    const first = externalIdKey('acme', 'User', 'obj-1', ID);
    const second = externalIdKey('acme', 'User', 'obj-1', GROUP);
    expect(first.pk).toBe(second.pk);
    expect(first.pk).toBe(externalIdPartition('acme', 'User', 'obj-1'));
    expect(first.sk).not.toBe(second.sk);
    expect(externalIdPartition('acme', 'User', 'OBJ-1')).not.toBe(first.pk);
    expect(externalIdPartition('acme', 'Group', 'obj-1')).not.toBe(first.pk);
  });

  // Each row: values an attacker could use to hold a second account under one visible userName.
  it.each([
    ['precomposed / decomposed', 'jos\u00e9', 'jose\u0301'],
    ['full-width', '\uff41\uff44\uff41', 'ada'],
    ['zero-width space', 'a\u200bda', 'ada'],
    ['surrounding spaces and case', '  ADA ', 'ada'],
    ['byte-order mark', '\ufeffada', 'ada'],
  ])('keys %s variants of a userName, a group name and an email alike', (_case, a, b) => {
    expect(uniqueKey('acme', 'User', 'userName', a)).toEqual(uniqueKey('acme', 'User', 'userName', b));
    expect(uniqueKey('acme', 'Group', 'displayName', a)).toEqual(
      uniqueKey('acme', 'Group', 'displayName', b),
    );
    expect(emailKey('acme', a, ID)).toEqual(emailKey('acme', b, ID));
  });

  it('keys an externalId by its case-exact key: invisible differences go, case and width stay', () => {
    expect(externalIdPartition('acme', 'User', ' obj\u200b-1 ')).toBe(
      externalIdPartition('acme', 'User', 'obj-1'),
    );
    expect(externalIdPartition('acme', 'User', 'jos\u00e9')).toBe(
      externalIdPartition('acme', 'User', 'jose\u0301'),
    );
    expect(externalIdPartition('acme', 'User', '\uff4f')).not.toBe(externalIdPartition('acme', 'User', 'o'));
  });

  it('folds case exactly where the schema says the attribute is case-insensitive', () => {
    // keys.ts cannot import the schemas (each Lambda bundles only its own): this holds it to them.
    const caseExactOf = (schema: (typeof RESOURCE_SCHEMAS)[number], attribute: string, sub?: string) =>
      resolveAttribute(schema, { attribute, subAttribute: sub })?.[
        sub === undefined ? 'attribute' : 'subAttribute'
      ]?.caseExact;
    for (const schema of RESOURCE_SCHEMAS) {
      const { name, uniqueAttribute } = schema.resourceType;
      expect([name, caseExactOf(schema, uniqueAttribute)]).toEqual([name, false]);
      expect([name, caseExactOf(schema, 'externalId')]).toEqual([name, true]);
    }
    expect(caseExactOf(USER_SCHEMA, 'emails', 'value')).toBe(false);
  });

  it('recovers the id from a resource sort key', () => {
    expect(idFromResourceSortKey('User', resourceKey('t', 'User', ID).sk)).toBe(ID);
  });

  it.each(['', 'a#b', 'a b', 'x'.repeat(129)])(
    'refuses tenant id %p with 404 (no forged prefixes)',
    (tenant) => {
      expect(() => resourceKey(tenant, 'User', ID)).toThrow(ScimError);
      try {
        tenantKey(tenant);
      } catch (error) {
        expect((error as ScimError).status).toBe(404);
      }
    },
  );

  it.each([
    ['userName', () => uniqueKey('acme', 'User', 'userName', 'x'.repeat(3000))],
    ['externalId', () => externalIdKey('acme', 'User', 'x'.repeat(3000), ID)],
    ['externalId partition', () => ({ pk: externalIdPartition('acme', 'User', 'x'.repeat(3000)), sk: '' })],
    ['email', () => emailKey('acme', 'x'.repeat(3000), ID)],
  ])('refuses a %s too long for a partition key with 400 invalidValue', (_name, build) => {
    const error = (() => {
      try {
        build();
      } catch (caught) {
        return caught as ScimError;
      }
      throw new Error('expected an error');
    })();
    expect([error.status, error.scimType]).toEqual([400, 'invalidValue']);
  });

  it('starts every key with its own tenant, so two tenants never share a key', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/),
        fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/),
        fc.string({ maxLength: 50 }),
        (tenantA, tenantB, value) => {
          fc.pre(tenantA !== tenantB);
          const a = uniqueKey(tenantA, 'User', 'userName', value);
          const b = uniqueKey(tenantB, 'User', 'userName', value);
          expect(a.pk.startsWith(`T#${tenantA}#`)).toBe(true);
          expect(a.pk).not.toBe(b.pk);
          const externalA = externalIdKey(tenantA, 'User', value, ID);
          expect(externalA.pk.startsWith(`T#${tenantA}#`)).toBe(true);
          expect(externalA.pk).not.toBe(externalIdKey(tenantB, 'User', value, ID).pk);
        },
      ),
    );
  });
});
