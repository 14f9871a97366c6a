import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';

import type { LogLevel } from '../../lambdas/config';
import { createLogger } from '../../lambdas/logger';
import type { LambdaInvocation, Logger } from '../../lambdas/logger';

const ENV_KEYS = ['_X_AMZN_TRACE_ID', 'AWS_LAMBDA_INITIALIZATION_TYPE'] as const;
const savedEnv = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));

let writes: string[];
let stdoutWrite: jest.SpiedFunction<typeof process.stdout.write>;

beforeEach(() => {
  for (const key of ENV_KEYS) delete process.env[key];
  writes = [];
  stdoutWrite = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    writes.push(String(chunk));
    return true;
  });
});

afterEach(() => {
  stdoutWrite.mockRestore();
  for (const key of ENV_KEYS) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
});

const lines = (): Record<string, unknown>[] =>
  writes.map((chunk) => {
    expect(chunk.endsWith('\n')).toBe(true);
    expect(chunk.slice(0, -1)).not.toContain('\n');
    return JSON.parse(chunk) as Record<string, unknown>;
  });

const onlyLine = (): Record<string, unknown> => {
  const all = lines();
  expect(all).toHaveLength(1);
  return all[0] ?? {};
};

const makeLogger = (logLevel: LogLevel = 'DEBUG'): Logger =>
  createLogger({ serviceName: 'scim-test', logLevel });

const invocation = (awsRequestId: string): LambdaInvocation => ({
  awsRequestId,
  functionName: 'scim-users',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:scim-users',
  memoryLimitInMB: '512',
});

describe('createLogger: lines', () => {
  it('writes one JSON line per call on stdout with level, message, timestamp and service', () => {
    const before = Date.now();
    makeLogger().info('request completed', { status: 201 });
    const line = onlyLine();
    expect(stdoutWrite).toHaveBeenCalledTimes(1);
    expect(line).toEqual({
      level: 'INFO',
      message: 'request completed',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      service: 'scim-test',
      status: 201,
    });
    const logged = Date.parse(String(line.timestamp));
    expect(logged).toBeGreaterThanOrEqual(before);
    expect(logged).toBeLessThanOrEqual(Date.now());
  });

  it('names each method’s level', () => {
    const logger = makeLogger();
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines().map((line) => [line.level, line.message])).toEqual([
      ['DEBUG', 'd'],
      ['INFO', 'i'],
      ['WARN', 'w'],
      ['ERROR', 'e'],
    ]);
  });

  it('keeps a line on one line when values hold line breaks', () => {
    makeLogger().error('Unhandled error', { stack: 'at a (x.ts:1:1)\nat b (y.ts:2:2)' });
    expect(onlyLine().stack).toBe('at a (x.ts:1:1)\nat b (y.ts:2:2)');
  });

  it.each<[LogLevel, string[]]>([
    ['TRACE', ['DEBUG', 'INFO', 'WARN', 'ERROR']],
    ['DEBUG', ['DEBUG', 'INFO', 'WARN', 'ERROR']],
    ['INFO', ['INFO', 'WARN', 'ERROR']],
    ['WARN', ['WARN', 'ERROR']],
    ['ERROR', ['ERROR']],
    ['CRITICAL', []],
    ['SILENT', []],
  ])('at LOG_LEVEL %s writes %j', (threshold, written) => {
    const logger = makeLogger(threshold);
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines().map((line) => line.level)).toEqual(written);
    if (written.length === 0) expect(stdoutWrite).not.toHaveBeenCalled();
  });

  it('leaves out attributes without a value and keeps zero and false', () => {
    makeLogger().info('m', { gone: undefined, nothing: null, empty: '', zero: 0, no: false });
    const line = onlyLine();
    expect(line).not.toHaveProperty('gone');
    expect(line).not.toHaveProperty('nothing');
    expect(line).not.toHaveProperty('empty');
    expect(line).toMatchObject({ zero: 0, no: false });
  });

  it('does not let attributes replace level, message, timestamp or service', () => {
    const logger = makeLogger();
    logger.appendKeys({ service: 'spoofed', level: 'DEBUG' });
    logger.warn('real', { message: 'spoofed', timestamp: 'yesterday' });
    expect(onlyLine()).toMatchObject({ level: 'WARN', message: 'real', service: 'scim-test' });
    expect(onlyLine().timestamp).not.toBe('yesterday');
  });
});

describe('createLogger: keys', () => {
  it('adds appended keys to every line, and per-call attributes win over them', () => {
    const logger = makeLogger();
    logger.appendKeys({ requestId: 'r-1', tenantId: 'acme' });
    logger.appendKeys({ tokenId: 'tok_1' });
    logger.info('first');
    logger.info('second', { tenantId: 'per-call', status: 200 });
    const [first, second] = lines();
    expect(first).toMatchObject({ requestId: 'r-1', tenantId: 'acme', tokenId: 'tok_1' });
    expect(second).toMatchObject({ requestId: 'r-1', tenantId: 'per-call', tokenId: 'tok_1', status: 200 });
  });

  it('does not carry one call’s attributes into the next line', () => {
    const logger = makeLogger();
    logger.info('first', { status: 500 });
    logger.info('second');
    expect(lines()[1]).not.toHaveProperty('status');
  });

  it('resetKeys drops the appended keys and keeps the service and the invocation fields', () => {
    const logger = makeLogger();
    logger.addContext(invocation('lambda-1'));
    logger.appendKeys({ tenantId: 'acme', tokenId: 'tok_1' });
    logger.resetKeys();
    logger.appendKeys({ requestId: 'r-2' });
    logger.info('after reset');
    const line = onlyLine();
    expect(line).not.toHaveProperty('tenantId');
    expect(line).not.toHaveProperty('tokenId');
    expect(line).toMatchObject({ service: 'scim-test', function_request_id: 'lambda-1', requestId: 'r-2' });
  });

  it('keeps the appended keys when a key cannot be read, and does not throw', () => {
    const logger = makeLogger();
    logger.appendKeys({ tenantId: 'acme' });
    const unreadable = Object.defineProperty({}, 'tokenId', {
      enumerable: true,
      get: () => {
        throw new Error('unreadable');
      },
    });
    expect(() => logger.appendKeys(unreadable)).not.toThrow();
    logger.info('m');
    expect(onlyLine()).toMatchObject({ tenantId: 'acme' });
    expect(onlyLine()).not.toHaveProperty('tokenId');
  });
});

describe('createLogger: Lambda invocation', () => {
  it('adds the Powertools-named invocation fields from addContext', () => {
    const logger = makeLogger();
    logger.info('before');
    logger.addContext(invocation('lambda-1'));
    logger.info('after');
    const [before, after] = lines();
    expect(before).not.toHaveProperty('function_request_id');
    expect(before).not.toHaveProperty('cold_start');
    expect(after).toMatchObject({
      cold_start: true,
      function_arn: 'arn:aws:lambda:eu-west-1:123456789012:function:scim-users',
      function_memory_size: '512',
      function_name: 'scim-users',
      function_request_id: 'lambda-1',
    });
  });

  it('reports cold_start on every line of the first invocation only', () => {
    const logger = makeLogger();
    logger.addContext(invocation('lambda-1'));
    logger.info('first invocation, line 1');
    logger.info('first invocation, line 2');
    logger.addContext(invocation('lambda-2'));
    logger.info('second invocation');
    logger.addContext(invocation('lambda-3'));
    logger.info('third invocation');
    expect(lines().map((line) => [line.function_request_id, line.cold_start])).toEqual([
      ['lambda-1', true],
      ['lambda-1', true],
      ['lambda-2', false],
      ['lambda-3', false],
    ]);
  });

  it('reports no cold start in a provisioned-concurrency environment', () => {
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'provisioned-concurrency';
    const logger = makeLogger();
    logger.addContext(invocation('lambda-1'));
    logger.info('m');
    expect(onlyLine()).toMatchObject({ cold_start: false, function_request_id: 'lambda-1' });
  });

  it('leaves out invocation fields the context lacks', () => {
    const logger = makeLogger();
    logger.addContext({ awsRequestId: 'local-1', functionName: 'users' });
    logger.info('m');
    const line = onlyLine();
    expect(line).toMatchObject({ function_request_id: 'local-1', function_name: 'users' });
    expect(line).not.toHaveProperty('function_arn');
    expect(line).not.toHaveProperty('function_memory_size');
  });

  it('adds the X-Ray trace id of the current invocation from _X_AMZN_TRACE_ID', () => {
    const logger = makeLogger();
    logger.info('untraced');
    process.env._X_AMZN_TRACE_ID =
      'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=557abcec3ee5a047;Sampled=1';
    logger.info('traced');
    process.env._X_AMZN_TRACE_ID =
      'Parent=557abcec3ee5a047;Root=1-66aa0000-000000000000000000000001;Sampled=0';
    logger.info('next invocation');
    process.env._X_AMZN_TRACE_ID = '1-66aa0000-000000000000000000000002';
    logger.info('bare id');
    const [untraced, traced, next, bare] = lines();
    expect(untraced).not.toHaveProperty('xray_trace_id');
    expect(traced).toMatchObject({ xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793' });
    expect(next).toMatchObject({ xray_trace_id: '1-66aa0000-000000000000000000000001' });
    expect(bare).toMatchObject({ xray_trace_id: '1-66aa0000-000000000000000000000002' });
  });
});

describe('createLogger: values that plain JSON.stringify cannot take', () => {
  it('serialises an Error as its name, message, stack and cause', () => {
    const cause = new RangeError('inner');
    const error = new TypeError('outer', { cause });
    makeLogger().error('failed', { error, nested: { errors: [cause] } });
    const line = onlyLine();
    expect(line.error).toEqual({
      name: 'TypeError',
      message: 'outer',
      stack: error.stack,
      cause: { name: 'RangeError', message: 'inner', stack: cause.stack },
    });
    expect(line.nested).toEqual({ errors: [{ name: 'RangeError', message: 'inner', stack: cause.stack }] });
  });

  it('writes BigInt values as decimal strings', () => {
    makeLogger().info('m', { consumed: 12345678901234567890n, nested: { small: -1n } });
    expect(onlyLine()).toMatchObject({ consumed: '12345678901234567890', nested: { small: '-1' } });
  });

  it('drops references back into the object being written and keeps the rest', () => {
    interface Node {
      name: string;
      self?: Node;
      child?: { parent?: Node; label: string };
    }
    const node: Node = { name: 'root' };
    node.self = node;
    node.child = { parent: node, label: 'child' };
    const shared = { id: 1 };
    const error = new Error('loops');
    error.cause = error;
    makeLogger().info('m', { node, first: shared, second: shared, error });
    const line = onlyLine();
    expect(line.node).toEqual({ name: 'root', child: { label: 'child' } });
    // Seen twice but not a cycle: both kept.
    expect(line).toMatchObject({ first: { id: 1 }, second: { id: 1 } });
    expect(line.error).toEqual({ name: 'Error', message: 'loops', stack: error.stack });
  });

  it('writes a safe line without the attributes when one cannot be serialised', () => {
    const logger = makeLogger();
    logger.addContext(invocation('lambda-1'));
    logger.appendKeys({ tenantId: 'acme' });
    const throwingJson = { toJSON: () => JSON.parse('{') as unknown };
    const throwingGetter = Object.defineProperty({}, 'value', {
      enumerable: true,
      get: () => {
        throw new Error('unreadable');
      },
    });
    expect(() => logger.warn('first', { payload: throwingJson })).not.toThrow();
    expect(() => logger.warn('second', throwingGetter)).not.toThrow();
    const safe = lines();
    expect(safe).toHaveLength(2);
    for (const [index, line] of safe.entries()) {
      expect(line).toMatchObject({
        level: 'WARN',
        message: index === 0 ? 'first' : 'second',
        service: 'scim-test',
        function_request_id: 'lambda-1',
        log_error: 'attributes could not be serialised',
      });
      expect(line).not.toHaveProperty('payload');
      expect(line).not.toHaveProperty('tenantId');
    }
  });

  it('does not throw when stdout cannot be written', () => {
    stdoutWrite.mockImplementation(() => {
      throw new Error('EPIPE');
    });
    expect(() => makeLogger().error('m')).not.toThrow();
  });
});
