import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_EVENT_ARCHIVE_RETENTION_DAYS,
  PRODUCTION_STAGE,
  StageConfigError,
  resolveStageConfig,
} from '../../lib/stage-config';
import { cdkJsonStages } from './synth';

const validSettings = {
  throttle: { rateLimit: 50, burstLimit: 100 },
  tenantThrottle: { rateLimit: 25, burstLimit: 250 },
  reservedConcurrency: { users: 10, groups: 10, discovery: 5, setup: 2 },
  logRetentionDays: 14,
  removalPolicy: 'destroy',
  alarmEmail: 'ops@example.com',
  logLevel: 'INFO',
  secretCacheTtlSeconds: 60,
};

function resolveWith(settings: Record<string, unknown>, stage = 'dev') {
  return resolveStageConfig({ stages: { [stage]: settings }, stage });
}

function errorOf(run: () => unknown): StageConfigError {
  try {
    run();
  } catch (error: unknown) {
    if (error instanceof StageConfigError) return error;
    throw error;
  }
  throw new Error('expected a StageConfigError');
}

describe('resolveStageConfig', () => {
  it.each(Object.keys(cdkJsonStages()))('accepts the committed cdk.json stage %s', (stage) => {
    const config = resolveStageConfig({ stages: cdkJsonStages(), stage });
    expect(config.stageName).toBe(stage);
    expect(config.tenantSecretPrefix).toBe(`scim/${stage}/tenants/`);
  });

  it('defines dev and prod, and prod retains its data', () => {
    const stages = cdkJsonStages();
    expect(Object.keys(stages)).toEqual(expect.arrayContaining(['dev', 'prod']));
    expect(resolveStageConfig({ stages, stage: 'prod' }).removalPolicy).toBe('retain');
  });

  it('returns the validated settings with a per-stage secret prefix by default', () => {
    expect(resolveWith(validSettings, 'staging')).toEqual({
      ...validSettings,
      stageName: 'staging',
      tenantSecretPrefix: 'scim/staging/tenants/',
      eventArchiveRetentionDays: DEFAULT_EVENT_ARCHIVE_RETENTION_DAYS,
      platformEventQueue: true,
    });
  });

  it('takes the event archive retention and the platform queue switch from the stage', () => {
    const config = resolveWith(
      { ...validSettings, eventArchiveRetentionDays: 90, platformEventQueue: false },
      'staging',
    );
    expect([config.eventArchiveRetentionDays, config.platformEventQueue]).toEqual([90, false]);
    expect(() => resolveWith({ ...validSettings, eventArchiveRetentionDays: -1 }, 'staging')).toThrow(
      /eventArchiveRetentionDays/,
    );
  });

  it('keeps an explicit secret prefix and custom domain', () => {
    const customDomain = {
      domainName: 'scim.example.com',
      certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abcd-1234',
    };
    const config = resolveWith({ ...validSettings, tenantSecretPrefix: 'scim/tenants/', customDomain });
    expect(config.tenantSecretPrefix).toBe('scim/tenants/');
    expect(config.customDomain).toEqual(customDomain);
  });

  it('lets -c alarmEmail override the stage address', () => {
    const config = resolveStageConfig({
      stages: { dev: validSettings },
      stage: 'dev',
      alarmEmail: 'oncall@example.org',
    });
    expect(config.alarmEmail).toBe('oncall@example.org');
  });

  it.each([undefined, ''])('asks for a stage when none is given (%p), listing the known ones', (stage) => {
    const error = errorOf(() => resolveStageConfig({ stages: { dev: validSettings, prod: {} }, stage }));
    expect(error.message).toContain('-c stage=');
    expect(error.message).toContain('dev, prod');
  });

  it('rejects an unknown stage with the known stage names', () => {
    const error = errorOf(() => resolveStageConfig({ stages: { dev: validSettings }, stage: 'qa' }));
    expect(error.message).toBe('Unknown stage "qa". Known stages: dev (context "stages" in cdk.json).');
  });

  it('does not mistake an inherited property for a stage', () => {
    const error = errorOf(() => resolveStageConfig({ stages: { dev: validSettings }, stage: 'constructor' }));
    expect(error.message).toContain('Unknown stage "constructor"');
  });

  it('names the missing -c stage option, also for cdk bootstrap', () => {
    const error = errorOf(() => resolveStageConfig({ stages: { dev: validSettings }, stage: undefined }));
    expect(error.message).toContain('No stage given');
    expect(error.message).toContain('`cdk bootstrap` in this project needs `-c stage=<name>`');
    expect(error.message).toContain('Known stages: dev.');
  });

  it('says where stages come from when cdk.json has none', () => {
    const error = errorOf(() => resolveStageConfig({ stages: undefined, stage: 'dev' }));
    expect(error.message).toContain('add "stages" to the context in cdk.json');
  });

  it.each([['Prod'], ['a stage'], [42], ['__proto__'], ['toString']])('rejects stage name %p', (stage) => {
    expect(() => resolveStageConfig({ stages: { dev: validSettings }, stage })).toThrow(StageConfigError);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a missing throttle', { throttle: undefined }, 'throttle'],
    ['a missing tenant throttle', { tenantThrottle: undefined }, 'tenantThrottle'],
    [
      'a tenant burst that is not a multiple of its rate',
      { tenantThrottle: { rateLimit: 25, burstLimit: 260 } },
      'tenantThrottle: the burst must be a whole multiple of the rate',
    ],
    [
      'a tenant window over 60 s',
      { tenantThrottle: { rateLimit: 1, burstLimit: 120 } },
      'tenantThrottle: the window (burst / rate) must be 1 to 60 seconds',
    ],
    [
      'a fractional tenant rate',
      { tenantThrottle: { rateLimit: 2.5, burstLimit: 25 } },
      'tenantThrottle.rateLimit',
    ],
    ['a negative rate', { throttle: { rateLimit: -1, burstLimit: 10 } }, 'throttle.rateLimit'],
    ['a fractional burst', { throttle: { rateLimit: 1, burstLimit: 1.5 } }, 'throttle.burstLimit'],
    ['no reserved concurrency', { reservedConcurrency: undefined }, 'reservedConcurrency'],
    [
      'a function without reserved concurrency',
      { reservedConcurrency: { users: 10, groups: 10, setup: 2 } },
      'reservedConcurrency.discovery',
    ],
    [
      'the setup page without reserved concurrency',
      { reservedConcurrency: { users: 10, groups: 10, discovery: 5 } },
      'reservedConcurrency.setup',
    ],
    [
      'a reserved concurrency of 0 (the function could never run)',
      { reservedConcurrency: { users: 0, groups: 10, discovery: 5, setup: 2 } },
      'reservedConcurrency.users',
    ],
    ['a retention CloudWatch does not offer', { logRetentionDays: 10 }, 'logRetentionDays'],
    ['an unknown removal policy', { removalPolicy: 'snapshot' }, 'removalPolicy'],
    ['a malformed alarm e-mail', { alarmEmail: 'ops' }, 'alarmEmail'],
    ['an unknown log level', { logLevel: 'VERBOSE' }, 'logLevel'],
    ['a negative cache TTL', { secretCacheTtlSeconds: -1 }, 'secretCacheTtlSeconds'],
    [
      'a secret prefix without a trailing slash',
      { tenantSecretPrefix: 'scim/tenants' },
      'tenantSecretPrefix',
    ],
    ['a secret prefix with a space', { tenantSecretPrefix: 'scim tenants/' }, 'tenantSecretPrefix'],
    ['a short account id', { account: '1234' }, 'account'],
    ['a malformed region', { region: 'Europe' }, 'region'],
    [
      'a certificate that is not an ACM ARN',
      { customDomain: { domainName: 'scim.example.com', certificateArn: 'cert' } },
      'customDomain.certificateArn',
    ],
    ['a misspelt setting', { logRetention: 14 }, 'logRetention'],
  ])('rejects %s, naming the stage and the setting', (_case, change, settingPath) => {
    const error = errorOf(() => resolveWith({ ...validSettings, ...change }));
    expect(error.message).toMatch(/^Invalid settings for stage "dev" in cdk\.json: /);
    expect(error.message).toContain(settingPath);
  });

  it(`refuses removalPolicy "destroy" on ${PRODUCTION_STAGE}`, () => {
    const error = errorOf(() => resolveWith(validSettings, PRODUCTION_STAGE));
    expect(error.message).toContain('must use removalPolicy "retain"');
  });
});
