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
      dynamoDbEndpoint: undefined,
      tenantRequestLimit: undefined,
    });
  });

  it('reads the per-tenant request limit: both variables or neither, a whole-second window', () => {
    const env = { TABLE_NAME: 'scim-dev' };
    expect(
      loadConfig({ ...env, TENANT_RATE_LIMIT: '25', TENANT_BURST_LIMIT: '250' }).tenantRequestLimit,
    ).toEqual({ ratePerSecond: 25, burst: 250 });
    expect(() => loadConfig({ ...env, TENANT_RATE_LIMIT: '25' })).toThrow(/set both or neither/);
    expect(() => loadConfig({ ...env, TENANT_BURST_LIMIT: '250' })).toThrow(/set both or neither/);
    expect(() => loadConfig({ ...env, TENANT_RATE_LIMIT: '25', TENANT_BURST_LIMIT: '260' })).toThrow(
      /TENANT_BURST_LIMIT: the burst must be a whole multiple of the rate/,
    );
    expect(() => loadConfig({ ...env, TENANT_RATE_LIMIT: '1', TENANT_BURST_LIMIT: '61' })).toThrow(
      /window \(burst \/ rate\) must be 1 to 60 seconds/,
    );
    expect(() => loadConfig({ ...env, TENANT_RATE_LIMIT: '2.5', TENANT_BURST_LIMIT: '25' })).toThrow(
      ConfigError,
    );
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
        DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
      }),
    ).toEqual({
      tableName: 'scim-prod',
      tenantSecretPrefix: 'prod/scim/',
      secretCacheTtlSeconds: 15,
      logLevel: 'DEBUG',
      stage: 'prod',
      serviceName: 'scim',
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

  it.each<[string, Record<string, string | undefined>, string]>([
    ['TABLE_NAME missing', { TABLE_NAME: undefined }, 'TABLE_NAME: is required'],
    ['TABLE_NAME empty', { TABLE_NAME: '' }, 'TABLE_NAME: is required'],
    ['TABLE_NAME invalid', { TABLE_NAME: 'a b' }, 'TABLE_NAME: is not a DynamoDB table name'],
    [
      'TTL not a number',
      { SECRET_CACHE_TTL_SECONDS: 'ten' },
      'SECRET_CACHE_TTL_SECONDS: Invalid input: expected number, received NaN',
    ],
    [
      'TTL infinite',
      { SECRET_CACHE_TTL_SECONDS: 'Infinity' },
      'SECRET_CACHE_TTL_SECONDS: Invalid input: expected number, received Infinity',
    ],
    [
      'TTL fractional',
      { SECRET_CACHE_TTL_SECONDS: '1.5' },
      'SECRET_CACHE_TTL_SECONDS: Invalid input: expected int, received number',
    ],
    [
      'TTL negative',
      { SECRET_CACHE_TTL_SECONDS: '-1' },
      'SECRET_CACHE_TTL_SECONDS: Too small: expected number to be >=0',
    ],
    [
      'TTL too long',
      { SECRET_CACHE_TTL_SECONDS: '3601' },
      'SECRET_CACHE_TTL_SECONDS: Too big: expected number to be <=3600',
    ],
    [
      'TTL beyond the safe integers',
      { SECRET_CACHE_TTL_SECONDS: '1e20' },
      'SECRET_CACHE_TTL_SECONDS: Too big: expected int to be <=9007199254740991; ' +
        'SECRET_CACHE_TTL_SECONDS: Too big: expected number to be <=3600',
    ],
    [
      'TTL below the safe integers',
      { SECRET_CACHE_TTL_SECONDS: '-1e20' },
      'SECRET_CACHE_TTL_SECONDS: Too small: expected int to be >=-9007199254740991; ' +
        'SECRET_CACHE_TTL_SECONDS: Too small: expected number to be >=0',
    ],
    [
      'unknown log level',
      { LOG_LEVEL: 'loud' },
      'LOG_LEVEL: Invalid option: expected one of "TRACE"|"DEBUG"|"INFO"|"WARN"|"ERROR"|"CRITICAL"|"SILENT"',
    ],
    [
      'prefix with spaces',
      { TENANT_SECRET_PREFIX: 'scim tenants/' },
      'TENANT_SECRET_PREFIX: must contain only A-Z a-z 0-9 / _ + = . @ -',
    ],
    [
      'prefix too long and with a space',
      { TENANT_SECRET_PREFIX: `${'a'.repeat(256)} ` },
      'TENANT_SECRET_PREFIX: Too big: expected string to have <=256 characters; ' +
        'TENANT_SECRET_PREFIX: must contain only A-Z a-z 0-9 / _ + = . @ -',
    ],
    ['bad stage', { STAGE: 'Prod!' }, 'STAGE: must be 1-32 of a-z 0-9 -'],
    [
      'unknown log level',
      { LOG_LEVEL: 'verbose' },
      'LOG_LEVEL: Invalid option: expected one of "TRACE"|"DEBUG"|"INFO"|"WARN"|"ERROR"|"CRITICAL"|"SILENT"',
    ],
    ['endpoint not http', { DYNAMODB_ENDPOINT: 'ftp://localhost' }, 'DYNAMODB_ENDPOINT: Invalid URL'],
    ['endpoint without //', { DYNAMODB_ENDPOINT: 'http:localhost:8000' }, 'DYNAMODB_ENDPOINT: Invalid URL'],
    ['endpoint without a scheme', { DYNAMODB_ENDPOINT: 'localhost:8000' }, 'DYNAMODB_ENDPOINT: Invalid URL'],
    ['endpoint unparseable', { DYNAMODB_ENDPOINT: 'http://local host' }, 'DYNAMODB_ENDPOINT: Invalid URL'],
  ])('%s -> the exact message', (_name, env, problems) => {
    expect(() => loadConfig({ TABLE_NAME: 'scim-dev', ...env })).toThrow(
      new ConfigError(`Invalid environment: ${problems}`),
    );
  });

  it.each([
    ['an http URL as given', 'http://127.0.0.1:8000', 'http://127.0.0.1:8000'],
    ['an https URL in capitals as given', 'HTTPS://DynamoDB.Local', 'HTTPS://DynamoDB.Local'],
    ['a URL with spaces around, trimmed', '  http://localhost:8000 ', 'http://localhost:8000'],
    ['a URL with a line break inside, without it', 'http://local\nhost:8000', 'http://localhost:8000'],
  ])('reads DYNAMODB_ENDPOINT: %s', (_name, value, expected) => {
    expect(loadConfig({ TABLE_NAME: 'scim-dev', DYNAMODB_ENDPOINT: value }).dynamoDbEndpoint).toBe(expected);
  });

  it.each([
    ['0', 0],
    [' 15 ', 15],
    ['3600', 3600],
    ['1e3', 1000],
  ])('reads SECRET_CACHE_TTL_SECONDS %j as %i', (value, expected) => {
    expect(
      loadConfig({ TABLE_NAME: 'scim-dev', SECRET_CACHE_TTL_SECONDS: value }).secretCacheTtlSeconds,
    ).toBe(expected);
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
