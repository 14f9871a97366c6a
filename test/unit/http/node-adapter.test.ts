import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

import {
  MAX_REQUEST_BYTES,
  RequestTooLargeError,
  readBody,
  toApiGatewayEvent,
  writeResult,
} from '../../../lambdas/http/node-adapter';

/** A loopback server that records the event built for each request and answers with a fixed result. */
let server: Server;
let base = '';
const events: APIGatewayProxyEventV2[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    void (async () => {
      try {
        const body = await readBody(request, 1024);
        events.push(toApiGatewayEvent(request, body, { requestId: 'req-1', now: new Date(0) }));
        writeResult(response, {
          statusCode: 201,
          headers: { 'Content-Type': 'application/scim+json', Location: 'http://x/1' },
          body: '{"ok":true}',
        });
      } catch (error) {
        response.statusCode = error instanceof RequestTooLargeError ? 413 : 500;
        response.setHeader('Connection', 'close');
        response.end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const lastEvent = (): APIGatewayProxyEventV2 => {
  const event = events[events.length - 1];
  if (event === undefined) throw new Error('no event');
  return event;
};

describe('toApiGatewayEvent', () => {
  it('keeps the raw path and raw query string, percent-encoding and + included', async () => {
    await fetch(`${base}/tenants/acme/scim/v2/Users?filter=userName+eq+%22a%2Bb%22&aadOptscim062020`);
    const event = lastEvent();
    expect(event.rawPath).toBe('/tenants/acme/scim/v2/Users');
    expect(event.rawQueryString).toBe('filter=userName+eq+%22a%2Bb%22&aadOptscim062020');
    expect(new URLSearchParams(event.rawQueryString).get('filter')).toBe('userName eq "a+b"');
    expect(event.requestContext.http.method).toBe('GET');
    expect(event.requestContext.requestId).toBe('req-1');
    expect(event.requestContext.domainName).toBe('127.0.0.1');
    expect(event.body).toBeUndefined();
  });

  it('lower-cases header names and adds the x-forwarded headers API Gateway adds', async () => {
    await fetch(`${base}/x`, { headers: { Authorization: 'Bearer t', 'X-Custom': 'v' } });
    const headers = lastEvent().headers;
    expect(headers.authorization).toBe('Bearer t');
    expect(headers['x-custom']).toBe('v');
    expect(headers['x-forwarded-proto']).toBe('http');
    expect(headers.host).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('passes a JSON body as text', async () => {
    await fetch(`${base}/x`, {
      method: 'POST',
      body: '{"userName":"é"}',
      headers: { 'Content-Type': 'application/scim+json' },
    });
    expect(lastEvent()).toMatchObject({ body: '{"userName":"é"}', isBase64Encoded: false });
    expect(lastEvent().requestContext.http.method).toBe('POST');
  });

  it('base64-encodes binary bodies and non-UTF-8 bytes', async () => {
    await fetch(`${base}/x`, {
      method: 'POST',
      body: new Uint8Array([0xff, 0xfe, 0x00]),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(lastEvent()).toMatchObject({
      body: Buffer.from([0xff, 0xfe, 0x00]).toString('base64'),
      isBase64Encoded: true,
    });
    await fetch(`${base}/x`, {
      method: 'POST',
      body: 'plain',
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    expect(lastEvent()).toMatchObject({
      body: Buffer.from('plain').toString('base64'),
      isBase64Encoded: true,
    });
  });
});

describe('readBody and writeResult', () => {
  it('refuses bodies over the limit', async () => {
    const response = await fetch(`${base}/x`, { method: 'POST', body: 'x'.repeat(2048) });
    expect(response.status).toBe(413);
  });

  it('writes status, headers and body', async () => {
    const response = await fetch(`${base}/x`);
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe('http://x/1');
    expect(response.headers.get('content-type')).toBe('application/scim+json');
    expect(await response.text()).toBe('{"ok":true}');
  });

  it('the default limit matches the API Gateway payload cap', () => {
    expect(MAX_REQUEST_BYTES).toBe(6 * 1024 * 1024);
  });
});
