import { InternalServiceError } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import middy from '@middy/core';

import { ScimError } from '../../../lambdas/scim/errors';
import type { ScimType } from '../../../lambdas/scim/errors';
import { isTransientBackendError } from '../../../lambdas/middleware/backend-errors';
import { scimErrors } from '../../../lambdas/middleware/scim-errors';
import type { ScimEvent, ScimResult } from '../../../lambdas/middleware/types';
import { captureLogs, makeContext, makeEvent, parseResult, testLogger } from './helpers';
import type { LogCapture } from './helpers';

const failingWith = (error: unknown) =>
  middy<ScimEvent, ScimResult>()
    .use(scimErrors({ logger: testLogger() }))
    .handler(async (): Promise<ScimResult> => {
      await Promise.resolve();
      throw error;
    });

const respond = async (error: unknown) => parseResult(await failingWith(error)(makeEvent(), makeContext()));

const awsError = (name: string, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(`${name} happened for alice@example.com`), { name, ...extra });

let logs: LogCapture;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

describe('scim-errors: ScimError becomes its own response', () => {
  const cases: [string, ScimError, number, ScimType | undefined][] = [
    ['invalidFilter', ScimError.invalidFilter('bad filter'), 400, 'invalidFilter'],
    ['invalidSyntax', ScimError.invalidSyntax('bad json'), 400, 'invalidSyntax'],
    ['invalidValue', ScimError.invalidValue('bad value'), 400, 'invalidValue'],
    ['uniqueness', ScimError.uniqueness('userName taken'), 409, 'uniqueness'],
    ['notFound', ScimError.notFound('no such user'), 404, undefined],
    ['preconditionFailed', ScimError.preconditionFailed('etag mismatch'), 412, undefined],
    ['payloadTooLarge', ScimError.payloadTooLarge('too big'), 413, undefined],
    ['notImplemented', ScimError.notImplemented('no bulk'), 501, undefined],
  ];

  it.each(cases)('%s', async (_name, error, status, scimType) => {
    const result = await respond(error);
    expect(result.status).toBe(status);
    expect(result.headers['content-type']).toBe('application/scim+json');
    expect(result.body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: String(status),
      ...(scimType ? { scimType } : {}),
      detail: error.detail,
    });
  });

  it('keeps the error headers (405 Allow, 401 WWW-Authenticate, 503 Retry-After)', async () => {
    expect((await respond(ScimError.methodNotAllowed('no', ['GET', 'POST']))).headers.allow).toBe(
      'GET, POST',
    );
    expect((await respond(ScimError.unauthorized())).headers['www-authenticate']).toBe('Bearer realm="SCIM"');
    expect((await respond(ScimError.unavailable('later', 7))).headers['retry-after']).toBe('7');
  });

  it('does not log client errors as errors', async () => {
    await respond(ScimError.invalidFilter('bad'));
    expect(logs.records().filter((line) => line.level === 'ERROR')).toEqual([]);
  });
});

describe('scim-errors: leaked backend errors become 503 + Retry-After', () => {
  it.each([
    ['DynamoDB throttling', awsError('ProvisionedThroughputExceededException', { $fault: 'client' })],
    ['ThrottlingException', awsError('ThrottlingException', { $fault: 'client' })],
    ['a server fault', awsError('SomethingNew', { $fault: 'server' })],
    ['a retryable error', awsError('Whatever', { $fault: 'client', $retryable: { throttling: true } })],
    ['an HTTP 5xx in metadata', awsError('Odd', { $metadata: { httpStatusCode: 502 } })],
    ['a modeled InternalServiceError', new InternalServiceError({ message: 'x', $metadata: {} })],
    ['an SDK TimeoutError', awsError('TimeoutError')],
    ['a socket reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['a DNS failure', Object.assign(new Error('getaddrinfo'), { code: 'EAI_AGAIN' })],
  ])('%s', async (_name, error) => {
    const result = await respond(error);
    expect(result.status).toBe(503);
    expect(result.headers['retry-after']).toBe('30');
    expect(result.headers['content-type']).toBe('application/scim+json');
    expect(result.body).toMatchObject({ status: '503' });
    expect(result.body).not.toHaveProperty('scimType');
    expect(
      logs.records().some((line) => line.level === 'WARN' && line.message === 'Backend unavailable'),
    ).toBe(true);
  });
});

describe('scim-errors: anything else is a generic 500', () => {
  it.each([
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'alice@example.com')")],
    ['a client-fault AWS error', awsError('ValidationException', { $fault: 'client' })],
    ['a thrown string', 'alice@example.com'],
    ['a thrown null', null],
  ])('%s', async (_name, error) => {
    const result = await respond(error);
    expect(result.status).toBe(500);
    expect(result.body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '500',
      detail: 'Internal server error.',
    });
    expect(result.headers['content-type']).toBe('application/scim+json');
  });

  it('logs the error name and stack frames but not its message', async () => {
    await respond(new TypeError('value alice@example.com is bad'));
    const errorLine = logs.records().find((line) => line.level === 'ERROR');
    expect(errorLine).toMatchObject({ message: 'Unhandled error', errorName: 'TypeError' });
    expect(String(errorLine?.stack)).toContain('at ');
    expect(logs.text()).not.toContain('alice@example.com');
  });
});

describe('isTransientBackendError', () => {
  it.each([
    [undefined, false],
    ['ThrottlingException', false],
    [{ name: 'ConditionalCheckFailedException', $fault: 'client' }, false],
    [{ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } }, false],
    [{ name: 'RequestLimitExceeded' }, true],
    [{ code: 'ETIMEDOUT' }, true],
    [{ $retryable: {} }, true],
  ])('%j -> %s', (error, expected) => {
    expect(isTransientBackendError(error)).toBe(expected);
  });
});
