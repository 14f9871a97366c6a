/**
 * Node http <-> API Gateway HTTP API (payload v2) translation, for the local server: it lets the same Lambda
 * handlers answer real HTTP requests. Shapes follow what API Gateway sends: raw path and raw query string
 * (still percent-encoded), lower-case header names with repeated values joined by commas, x-forwarded-*
 * headers, and a base64 body for anything that is not UTF-8 text.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

/** API Gateway and Lambda refuse request payloads above about 6 MB; the local server does the same. */
export const MAX_REQUEST_BYTES = 6 * 1024 * 1024;

export type LambdaHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export class RequestTooLargeError extends Error {
  override readonly name = 'RequestTooLargeError';
}

const TEXT_MEDIA_TYPE = /^(?:text\/|application\/(?:[\w.+-]+\+)?json\b)/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function eventHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const remote = request.socket.remoteAddress ?? '127.0.0.1';
  headers['x-forwarded-for'] ??= remote;
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-forwarded-port'] ??= String(request.socket.localPort ?? '');
  return headers;
}

export interface EventOptions {
  readonly requestId?: string;
  readonly now?: Date;
}

/** Builds the payload v2 event API Gateway would send for this request and body. */
export function toApiGatewayEvent(
  request: IncomingMessage,
  body: Buffer,
  options: EventOptions = {},
): APIGatewayProxyEventV2 {
  const url = request.url ?? '/';
  const queryAt = url.indexOf('?');
  const rawPath = queryAt < 0 ? url : url.slice(0, queryAt);
  const rawQueryString = queryAt < 0 ? '' : url.slice(queryAt + 1);
  const headers = eventHeaders(request);
  const method = (request.method ?? 'GET').toUpperCase();
  const now = options.now ?? new Date();
  const requestId = options.requestId ?? randomUUID();
  const contentType = headers['content-type'] ?? '';
  const asText =
    body.length === 0 || ((contentType === '' || TEXT_MEDIA_TYPE.test(contentType)) && isUtf8(body));
  const host = headers.host ?? 'localhost';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: host.replace(/:\d+$/, ''),
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method,
        path: rawPath,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: headers['x-forwarded-for'] ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0
      ? { body: asText ? body.toString('utf8') : body.toString('base64'), isBase64Encoded: !asText }
      : { isBase64Encoded: false }),
  };
}

/** A Lambda context good enough for Middy and the logger. */
export function localContext(functionName: string, requestId: string, timeoutMs = 10_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Reads the whole body, refusing more than maxBytes. */
export async function readBody(request: IncomingMessage, maxBytes = MAX_REQUEST_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += bytes.length;
    if (size > maxBytes) throw new RequestTooLargeError(`The request exceeds ${maxBytes} bytes.`);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

/** Writes a payload v2 result (structured form) to the Node response. */
export function writeResult(response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const body =
    result.body === undefined
      ? undefined
      : result.isBase64Encoded
        ? Buffer.from(result.body, 'base64')
        : Buffer.from(result.body, 'utf8');
  for (const [name, value] of Object.entries(result.headers ?? {})) response.setHeader(name, String(value));
  // Payload v2 joins repeated headers with commas, except cookies, which come as a list.
  if (result.cookies !== undefined && result.cookies.length > 0)
    response.setHeader('Set-Cookie', result.cookies);
  if (body !== undefined) response.setHeader('Content-Length', body.length);
  response.statusCode = result.statusCode ?? 200;
  response.end(body);
}
