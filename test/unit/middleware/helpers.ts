/** Builders for API Gateway v2 events, a Lambda context, and a capture of the logger output. */
import { jest } from '@jest/globals';
import type { Context } from 'aws-lambda';

import { createLogger } from '../../../lambdas/logger';
import type { Logger } from '../../../lambdas/logger';
import type { ScimEvent, ScimResult } from '../../../lambdas/middleware/types';

export interface EventOptions {
  method?: string;
  rawPath?: string;
  rawQueryString?: string;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
  pathParameters?: Record<string, string>;
}

export function makeEvent(options: EventOptions = {}): ScimEvent {
  const method = options.method ?? 'GET';
  const rawPath = options.rawPath ?? '/tenants/acme/scim/v2/Users';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: options.rawQueryString ?? '',
    headers: { host: 'api.example.com', ...options.headers },
    ...(options.body !== undefined ? { body: options.body } : {}),
    isBase64Encoded: options.isBase64Encoded ?? false,
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'abc.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
      requestId: 'apigw-request-1',
      routeKey: '$default',
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: 0,
    },
  };
}

export function makeContext(awsRequestId = 'lambda-request-1'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'scim-users',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:scim-users',
    memoryLimitInMB: '512',
    awsRequestId,
    logGroupName: '/aws/lambda/scim-users',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export const testLogger = (): Logger => createLogger({ serviceName: 'scim-test', logLevel: 'DEBUG' });

export interface LogCapture {
  /** Every raw chunk written to stdout/stderr since capture started. */
  readonly text: () => string;
  /** The JSON log lines, parsed. */
  readonly records: () => Record<string, unknown>[];
  readonly restore: () => void;
}

/** Captures what is written to process.stdout/stderr (the logger writes its lines to stdout). */
export function captureLogs(): LogCapture {
  const chunks: string[] = [];
  const record = (chunk: unknown): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(record);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(record);
  const text = () => chunks.join('');
  return {
    text,
    records: () =>
      text()
        .split('\n')
        .filter((line) => line.trim().startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    restore: () => {
      out.mockRestore();
      err.mockRestore();
    },
  };
}

export interface ParsedResult {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown> | undefined;
}

export function parseResult(result: ScimResult): ParsedResult {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  return {
    status: result.statusCode ?? 0,
    headers,
    body: result.body === undefined ? undefined : (JSON.parse(result.body) as Record<string, unknown>),
  };
}
