import { describe, expect, it } from '@jest/globals';

import { ConfigError, loadBaseConfig, loadConfig } from '../../lambdas/config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadConfig({ TABLE_NAME: 'scim-dev' })).toEqual({
      tableName: 'scim-dev',
      tenantSecretPrefix: 'scim/tenants/',
      secretCacheTtlSeconds: 60,
      logLevel: 'INFO',
      stage: 'local',
      serviceName: 'serverless-scim',
      tokenStore: 'secrets-manager',
      dataDir: '.data',
      dynamoDbEndpoint: undefined,
    });
  });

  it('reads every variable', () => {
    expect(
      loadConfig({
        TABLE_NAME: 'scim-prod',
        TENANT_SECRET_PREFIX: 'prod/scim/',
        SECRET_CACHE_TTL_SECONDS: '15',
        LOG_LEVEL: 'debug',
        STAGE: 'prod',
        POWERTOOLS_SERVICE_NAME: 'scim',
        TOKEN_STORE: 'file',
        SCIM_DATA_DIR: '/tmp/scim',
        DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
      }),
    ).toEqual({
      tableName: 'scim-prod',
      tenantSecretPrefix: 'prod/scim/',
      secretCacheTtlSeconds: 15,
      logLevel: 'DEBUG',
      stage: 'prod',
      serviceName: 'scim',
      tokenStore: 'file',
      dataDir: '/tmp/scim',
      dynamoDbEndpoint: 'http://127.0.0.1:8000',
    });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ TABLE_NAME: 'scim-dev', TENANT_SECRET_PREFIX: '', LOG_LEVEL: '' })).toMatchObject({
      tenantSecretPrefix: 'scim/tenants/',
      logLevel: 'INFO',
    });
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(loadConfig({ TABLE_NAME: 'scim-dev' }))).toBe(true);
  });

  it.each([
    ['TABLE_NAME missing', {}, 'TABLE_NAME: is required'],
    ['TABLE_NAME invalid', { TABLE_NAME: 'a b' }, 'TABLE_NAME'],
    ['TTL not a number', { SECRET_CACHE_TTL_SECONDS: 'ten' }, 'SECRET_CACHE_TTL_SECONDS'],
    ['TTL negative', { SECRET_CACHE_TTL_SECONDS: '-1' }, 'SECRET_CACHE_TTL_SECONDS'],
    ['TTL too long', { SECRET_CACHE_TTL_SECONDS: '86400' }, 'SECRET_CACHE_TTL_SECONDS'],
    ['TTL fractional', { SECRET_CACHE_TTL_SECONDS: '1.5' }, 'SECRET_CACHE_TTL_SECONDS'],
    ['unknown log level', { LOG_LEVEL: 'LOUD' }, 'LOG_LEVEL'],
    ['prefix with spaces', { TENANT_SECRET_PREFIX: 'scim tenants/' }, 'TENANT_SECRET_PREFIX'],
    ['unknown token store', { TOKEN_STORE: 'redis' }, 'TOKEN_STORE'],
    ['endpoint not http', { DYNAMODB_ENDPOINT: 'ftp://localhost' }, 'DYNAMODB_ENDPOINT'],
    ['bad stage', { STAGE: 'Prod!' }, 'STAGE'],
  ])('%s -> ConfigError naming the variable', (_name, env, fragment) => {
    const attempt = () =>
      loadConfig({
        TABLE_NAME: 'scim-dev',
        ...env,
        ...(fragment.includes('required') ? { TABLE_NAME: undefined } : {}),
      });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(fragment);
  });

  it('never echoes the bad value', () => {
    expect(() => loadConfig({ TABLE_NAME: 'scim-dev', LOG_LEVEL: 'hunter2' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') as unknown }),
    );
  });

  it('lists every problem at once', () => {
    expect(() => loadConfig({ LOG_LEVEL: 'LOUD' })).toThrow(/TABLE_NAME.*LOG_LEVEL|LOG_LEVEL.*TABLE_NAME/);
  });
});

describe('loadBaseConfig', () => {
  it('does not need TABLE_NAME (discovery)', () => {
    expect(loadBaseConfig({})).not.toHaveProperty('tableName');
    expect(loadBaseConfig({}).tenantSecretPrefix).toBe('scim/tenants/');
  });

  it('still validates the rest', () => {
    expect(() => loadBaseConfig({ SECRET_CACHE_TTL_SECONDS: 'x' })).toThrow(ConfigError);
  });
});
