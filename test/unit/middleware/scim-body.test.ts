import { describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import fc from 'fast-check';

import { ScimError } from '../../../lambdas/scim/errors';
import { chainState } from '../../../lambdas/middleware/chain-state';
import {
  DEFAULT_MAX_BODY_BYTES,
  isAcceptedContentType,
  parseJsonBody,
  scimBody,
} from '../../../lambdas/middleware/scim-body';
import { scimErrors } from '../../../lambdas/middleware/scim-errors';
import type { ScimEvent, ScimResult } from '../../../lambdas/middleware/types';
import { makeContext, makeEvent, parseResult, testLogger } from './helpers';
import type { EventOptions } from './helpers';

/** Echoes what scim-body parsed: { hasBody, body }, where no body is an undefined one. */
const makeHandler = (maxBodyBytes?: number) =>
  middy<ScimEvent, ScimResult>()
    .use([scimErrors({ logger: testLogger() }), scimBody({ maxBodyBytes })])
    .handler(async (event: ScimEvent): Promise<ScimResult> => {
      const state = chainState(event);
      await Promise.resolve();
      return {
        statusCode: 200,
        body: JSON.stringify({ hasBody: state.body !== undefined, body: state.body }),
      };
    });

const send = async (options: EventOptions, maxBodyBytes?: number) =>
  parseResult(await makeHandler(maxBodyBytes)(makeEvent({ method: 'POST', ...options }), makeContext()));

const SCIM_JSON = { 'content-type': 'application/scim+json' };

describe('scim-body: accepted bodies', () => {
  it('parses a SCIM JSON body (an Entra POST /Users)', async () => {
    const user = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'alice@example.com',
      active: 'True',
      roles: [],
      title: null,
    };
    const result = await send({ body: JSON.stringify(user), headers: SCIM_JSON });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ hasBody: true, body: user });
  });

  it.each([
    'application/scim+json',
    'application/scim+json; charset=utf-8',
    'application/json',
    'Application/JSON; Charset="UTF-8"',
    'application/json;charset=utf8',
  ])('accepts Content-Type %s', async (contentType) => {
    const result = await send({ body: '{"a":1}', headers: { 'content-type': contentType } });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ hasBody: true, body: { a: 1 } });
  });

  it('tolerates a missing Content-Type', async () => {
    expect((await send({ body: '{"a":1}' })).body).toEqual({ hasBody: true, body: { a: 1 } });
  });

  it('finds Content-Type in any header case', async () => {
    const result = await send({ body: '{"a":1}', headers: { 'Content-Type': 'text/plain' } });
    expect(result.status).toBe(415);
  });

  it.each([
    ['no body', undefined],
    ['an empty body', ''],
    ['a whitespace body', ' \n\t '],
  ])('%s is no body', async (_name, body) => {
    const result = await send({ body, headers: SCIM_JSON });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ hasBody: false });
  });

  it('ignores the Content-Type of an empty body', async () => {
    expect((await send({ body: '', headers: { 'content-type': 'text/plain' } })).status).toBe(200);
  });

  it('decodes a base64 body', async () => {
    const body = Buffer.from('{"displayName":"Zoë"}', 'utf8').toString('base64');
    const result = await send({ body, isBase64Encoded: true, headers: SCIM_JSON });
    expect(result.body).toEqual({ hasBody: true, body: { displayName: 'Zoë' } });
  });

  it('strips a UTF-8 byte order mark', async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]).toString('base64');
    expect((await send({ body, isBase64Encoded: true })).body).toEqual({ hasBody: true, body: { a: 1 } });
  });

  it('keeps a JSON null body as a body', async () => {
    expect((await send({ body: 'null' })).body).toEqual({ hasBody: true, body: null });
  });
});

describe('scim-body: rejected bodies', () => {
  it.each([
    ['truncated JSON', '{"userName":"alice@example.com"'],
    ['a trailing comma', '{"a":1,}'],
    ['single quotes', "{'a':1}"],
    ['plain text', 'userName=alice'],
  ])('%s -> 400 invalidSyntax without echoing the body or a position', async (_name, body) => {
    const result = await send({ body, headers: SCIM_JSON });
    expect(result.status).toBe(400);
    expect(result.body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '400',
      scimType: 'invalidSyntax',
      detail: 'The request body is not valid JSON.',
    });
    expect(result.headers['content-type']).toBe('application/scim+json');
  });

  it('invalid UTF-8 -> 400 invalidSyntax', async () => {
    const body = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]).toString('base64');
    const result = await send({ body, isBase64Encoded: true });
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({
      scimType: 'invalidSyntax',
      detail: 'The request body is not valid UTF-8.',
    });
  });

  it.each([
    'text/plain',
    'application/xml',
    'application/x-www-form-urlencoded',
    'application/json; charset=latin1',
  ])('Content-Type %s -> 415', async (contentType) => {
    const result = await send({ body: '{"a":1}', headers: { 'content-type': contentType } });
    expect(result.status).toBe(415);
    expect(result.body).toMatchObject({ status: '415' });
    expect(result.body).not.toHaveProperty('scimType');
  });

  it('a body over the default 1 MiB limit -> 413', async () => {
    const body = JSON.stringify({ pad: 'x'.repeat(DEFAULT_MAX_BODY_BYTES) });
    const result = await send({ body, headers: SCIM_JSON });
    expect(result.status).toBe(413);
    expect(result.body).toMatchObject({ status: '413' });
    expect(result.body).not.toHaveProperty('scimType');
  });

  it('counts bytes, not characters: multi-byte text over the limit -> 413', async () => {
    const body = `"${'é'.repeat(60)}"`; // 62 characters, 122 bytes
    expect((await send({ body }, 100)).status).toBe(413);
    expect((await send({ body }, 122)).status).toBe(200);
  });

  it('a body of exactly the limit is accepted, one byte more is not', async () => {
    const body = `"${'x'.repeat(98)}"`;
    expect((await send({ body }, 100)).status).toBe(200);
    expect((await send({ body: `${body} ` }, 100)).status).toBe(413);
  });

  it('a base64 body is measured after decoding', async () => {
    const body = Buffer.from(`"${'x'.repeat(98)}"`).toString('base64');
    expect(body.length).toBeGreaterThan(100);
    expect((await send({ body, isBase64Encoded: true }, 100)).status).toBe(200);
    const tooBig = Buffer.from(`"${'x'.repeat(99)}"`).toString('base64');
    expect((await send({ body: tooBig, isBase64Encoded: true }, 100)).status).toBe(413);
  });
});

describe('isAcceptedContentType', () => {
  it.each([
    ['application/scim+json', true],
    ['application/json; charset=UTF-8', true],
    ['application/json; foo=bar', true],
    ['application/jsonx', false],
    ['', false],
    ['application/json; charset=utf-16', false],
  ])('%s -> %s', (contentType, expected) => {
    expect(isAcceptedContentType(contentType)).toBe(expected);
  });
});

describe('parseJsonBody (property)', () => {
  it('any bytes give a value, undefined, or a 400 invalidSyntax ScimError', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }),
          fc.string().map((s) => Buffer.from(s)),
        ),
        (bytes) => {
          try {
            parseJsonBody(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(ScimError);
            expect((error as ScimError).status).toBe(400);
            expect((error as ScimError).scimType).toBe('invalidSyntax');
          }
        },
      ),
    );
  });

  it('round-trips any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(parseJsonBody(Buffer.from(JSON.stringify(value)))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});
