/**
 * A third resource type is one descriptor plus its genuinely new code. This test registers a small fake
 * type ("Device", served by a `devices` Lambda) in the registry, with no other change, and checks that
 * every layer that loops over the registry takes it up: routing and hand-off, the access log's route
 * template, table keys and their inverse, stored bodies and lookups, /ResourceTypes, the catch-all's
 * configuration, and the CDK stack's function, routes, invoke permissions and hand-off.
 * (Its schema, service, repository, handler factory and Lambda entry are the new code a real type adds;
 * the stack is synthesised with a stand-in entry.)
 */
import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import type * as RegistryModule from '../../lambdas/scim/schema/resource-types';
import type * as RouterModule from '../../lambdas/http/router';
import type * as RequestContextModule from '../../lambdas/middleware/request-context';
import type * as KeysModule from '../../lambdas/store/keys';
import type * as ItemsModule from '../../lambdas/store/items';
import type * as LookupPlanModule from '../../lambdas/store/lookup-plan';
import type * as FilterParserModule from '../../lambdas/scim/filter/parser';
import type * as DocumentsModule from '../../lambdas/scim/discovery-documents';
import type * as ConfigModule from '../../lambdas/config';
import type * as RoutesModule from '../../lib/routes';
import type * as SynthModule from './synth';

const DEVICE = {
  name: 'Device',
  endpoint: 'Devices',
  description: 'A device',
  schema: 'urn:example:scim:schemas:core:1.0:Device',
  schemaExtensions: [],
  uniqueAttribute: 'serialNumber',
  lookups: [{ kind: 'memberOf', attribute: 'owners' }],
  membershipAttribute: 'owners',
  functionName: 'devices',
} as const;

const REGISTRY = '../../lambdas/scim/schema/resource-types';

// Each import below loads a fresh module graph that sees the registry with the fake type in it.
type Loaded = {
  router: typeof RouterModule;
  requestContext: typeof RequestContextModule;
  keys: typeof KeysModule;
  items: typeof ItemsModule;
  lookupPlan: typeof LookupPlanModule;
  filterParser: typeof FilterParserModule;
  documents: typeof DocumentsModule;
  config: typeof ConfigModule;
  routes: typeof RoutesModule;
  synth: typeof SynthModule;
};
let loaded: Loaded;
// The fake type is not in the static ResourceTypeName union: the layers see it at run time only.
type AnyName = Parameters<Loaded['keys']['resourceKey']>[1];
const device = DEVICE.name as unknown as AnyName;

beforeAll(async () => {
  jest.resetModules();
  jest.doMock(REGISTRY, () => {
    const actual = jest.requireActual<typeof RegistryModule>(REGISTRY);
    const types = [...actual.RESOURCE_TYPES, DEVICE];
    return { ...actual, RESOURCE_TYPES: types, ...actual.resourceTypeFinders(types) };
  });
  loaded = {
    router: await import('../../lambdas/http/router'),
    requestContext: await import('../../lambdas/middleware/request-context'),
    keys: await import('../../lambdas/store/keys'),
    items: await import('../../lambdas/store/items'),
    lookupPlan: await import('../../lambdas/store/lookup-plan'),
    filterParser: await import('../../lambdas/scim/filter/parser'),
    documents: await import('../../lambdas/scim/discovery-documents'),
    config: await import('../../lambdas/config'),
    routes: await import('../../lib/routes'),
    synth: await import('./synth'),
  };
});

const BASE = '/tenants/acme/scim/v2';
const ID = '0b6a3c1e-8f4d-4c2a-9e1b-7d5f3a2c1b0e';

describe('a fake resource type registered as one descriptor', () => {
  it('is routed in any letter case, and its paths are handed to its Lambda', () => {
    const { route, handlerForPath } = loaded.router;
    expect(route('GET', `${BASE}/devices/${ID}`)).toEqual({ resource: 'Devices', operation: 'get', id: ID });
    expect(route('POST', `${BASE}/DEVICES/`)).toEqual({ resource: 'Devices', operation: 'create' });
    expect(handlerForPath(`${BASE}/Devices/.search`)).toBe('devices');
    expect(handlerForPath(`${BASE}/Users`)).toBe('users');
  });

  it('appears by name in the access log route template', () => {
    expect(loaded.requestContext.routeTemplate(`${BASE}/devices/${ID}`)).toBe(
      '/tenants/{tenantId}/scim/v2/Devices/{id}',
    );
  });

  it('gets its own table partition, which the change feed reads back', () => {
    const { resourceKey, parseChangedItemKey } = loaded.keys;
    const key = resourceKey('acme', device, ID);
    expect(key).toEqual({ pk: 'T#acme#DEVICES', sk: `DEVICE#${ID}` });
    expect(parseChangedItemKey(key.pk, key.sk)).toEqual({
      kind: 'resource',
      tenantId: 'acme',
      type: 'Device',
      id: ID,
    });
  });

  it('stores its body without its computed membership attribute, indexed by its unique attribute', () => {
    const { storableBody, indexValues, toItem, asResourceItem } = loaded.items;
    const body = {
      serialNumber: 'SN-1',
      owners: [{ value: ID }],
      externalId: 'x1',
      emails: [{ value: 'a@b' }],
    };
    expect(storableBody(device, { ...body, id: ID, meta: {} })).toEqual({
      serialNumber: 'SN-1',
      externalId: 'x1',
      emails: [{ value: 'a@b' }],
    });
    // No email lookup in its descriptor: emails are not indexed.
    expect(indexValues(device, body)).toEqual({
      unique: [{ attribute: 'serialNumber', value: 'SN-1' }],
      externalIds: ['x1'],
      emails: [],
    });
    const item = toItem('acme', device, ID, body, { version: 1, created: 't', lastModified: 't' });
    expect(asResourceItem({ ...item }).type).toBe('Device');
  });

  it('answers its lookups from its descriptor', () => {
    const { lookupPlan, needsMemberships } = loaded.lookupPlan;
    const parse = loaded.filterParser.parseFilter;
    expect(lookupPlan(device, parse('serialNumber eq "SN-1"'))).toEqual({
      kind: 'unique',
      attribute: 'serialNumber',
      value: 'SN-1',
    });
    expect(lookupPlan(device, parse(`owners[value eq "${ID}"]`))).toEqual({ kind: 'memberOf', userId: ID });
    expect(needsMemberships(device, parse('owners pr'))).toBe(true);
    expect(needsMemberships(device, parse('serialNumber pr'))).toBe(false);
  });

  it('is published by /ResourceTypes', () => {
    expect(loaded.documents.resourceTypeDocument(DEVICE, `https://h${BASE}`)).toMatchObject({
      id: 'Device',
      endpoint: '/Devices',
      schema: DEVICE.schema,
      meta: { location: `https://h${BASE}/ResourceTypes/Device` },
    });
  });

  it('needs the catch-all to know its Lambda', () => {
    const { loadCatchAllConfig, handOffVariable } = loaded.config;
    const env = { USERS_FUNCTION_NAME: 'u', GROUPS_FUNCTION_NAME: 'g' };
    expect(() => loadCatchAllConfig(env)).toThrow('DEVICES_FUNCTION_NAME');
    expect(
      loadCatchAllConfig({ ...env, [handOffVariable('devices' as never)]: 'd' }).handOffFunctions,
    ).toEqual({
      users: 'u',
      groups: 'g',
      devices: 'd',
    });
  });

  it('gets a Lambda, its canonical routes, exact invoke permissions and the hand-off in the stack', () => {
    const { synthStage, cdkJsonStages, logicalIdOf, resourcesOfType, cfnText } = loaded.synth;
    const dev = cdkJsonStages().dev as { reservedConcurrency: Record<string, number> };
    const { stack, template } = synthStage('dev', {
      stageOverrides: { reservedConcurrency: { ...dev.reservedConcurrency, devices: 3 } },
    });
    const functions = stack.functions as Record<string, (typeof stack.functions)['users']>;
    const devices = functions.devices;
    if (devices === undefined) throw new Error('no devices function');
    const deviceId = logicalIdOf(stack, devices.function);
    expect(deviceId).toMatch(/^DevicesHandler/);
    const lambda = resourcesOfType(template, 'AWS::Lambda::Function')[deviceId];
    expect(lambda?.Properties?.ReservedConcurrentExecutions).toBe(3);

    const routeKeys = Object.values(resourcesOfType(template, 'AWS::ApiGatewayV2::Route')).map((route) =>
      cfnText(route.Properties?.RouteKey),
    );
    expect(routeKeys).toEqual(
      expect.arrayContaining([
        'ANY /tenants/{tenantId}/scim/v2/Devices',
        'ANY /tenants/{tenantId}/scim/v2/Devices/{proxy+}',
      ]),
    );
    const permissions = Object.values(resourcesOfType(template, 'AWS::Lambda::Permission')).filter(
      (permission) => cfnText(permission.Properties?.FunctionName).includes(deviceId),
    );
    expect(
      permissions.map((permission) => cfnText(permission.Properties?.SourceArn).split(':').pop()),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\/\*\/\*\/tenants\/\*\/scim\/v2\/Devices$/),
        expect.stringMatching(/\/\*\/\*\/tenants\/\*\/scim\/v2\/Devices\/\*$/),
      ]),
    );
    const catchAll = resourcesOfType(template, 'AWS::Lambda::Function')[
      logicalIdOf(stack, stack.functions.discovery.function)
    ];
    const variables = (catchAll?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.DEVICES_FUNCTION_NAME).toEqual({ Ref: deviceId });
  });
});
