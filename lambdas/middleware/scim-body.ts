/**
 * Reads the request body into parsed JSON.
 *
 * - Limit: DEFAULT_MAX_BODY_BYTES (1 MiB) of decoded bytes; larger -> 413. Lambda itself caps payloads
 *   at 6 MB; a SCIM request from Entra is a few KiB, a big group PATCH well under 1 MiB.
 * - Base64 bodies (API Gateway sets isBase64Encoded for some content types) are decoded first.
 * - Content-Type: application/scim+json or application/json, any case, with an optional UTF-8 charset.
 *   A missing Content-Type is tolerated; any other type (or charset) on a request with a body -> 415.
 * - Bytes must be UTF-8 (RFC 7644 §3.1) and JSON; otherwise 400 invalidSyntax with a message that does
 *   not echo the body or a parser position. An empty or whitespace-only body is "no body".
 */
import { ScimError } from '../scim/errors';
import { chainState } from './chain-state';
import { eventHeader } from './scim-request';
import type { ScimEvent, ScimMiddleware } from './types';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const JSON_MEDIA_TYPES = new Set(['application/scim+json', 'application/json']);
const UTF8_CHARSETS = new Set(['utf-8', 'utf8']);

export function isAcceptedContentType(contentType: string): boolean {
  const [mediaType = '', ...parameters] = contentType.split(';').map((part) => part.trim().toLowerCase());
  if (!JSON_MEDIA_TYPES.has(mediaType)) return false;
  return parameters.every((parameter) => {
    const [name, value = ''] = parameter.split('=').map((part) => part.trim());
    return name !== 'charset' || UTF8_CHARSETS.has(value.replace(/^"|"$/g, ''));
  });
}

function bodyBytes(event: ScimEvent, maxBytes: number): Buffer {
  const raw = event.body ?? '';
  const tooLarge = () =>
    ScimError.payloadTooLarge(`The request body exceeds the limit of ${maxBytes} bytes.`);
  if (event.isBase64Encoded) {
    // A base64 string decodes to at most 3/4 of its length: reject obviously huge bodies before decoding.
    if (Math.floor((raw.length * 3) / 4) > maxBytes + 2) throw tooLarge();
    const bytes = Buffer.from(raw, 'base64');
    if (bytes.length > maxBytes) throw tooLarge();
    return bytes;
  }
  if (raw.length > maxBytes) throw tooLarge();
  const bytes = Buffer.from(raw, 'utf8');
  if (bytes.length > maxBytes) throw tooLarge();
  return bytes;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses raw body bytes: undefined for an empty body, else JSON or a ScimError invalidSyntax. */
export function parseJsonBody(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw ScimError.invalidSyntax('The request body is not valid UTF-8.');
  }
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw ScimError.invalidSyntax('The request body is not valid JSON.');
  }
}

export function scimBody(options: { maxBodyBytes?: number } = {}): ScimMiddleware {
  const maxBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return {
    before: (request) => {
      const event = request.event;
      const bytes = bodyBytes(event, maxBytes);
      if (bytes.length === 0) return;
      const contentType = eventHeader(event, 'content-type');
      if (contentType !== undefined && contentType.trim() !== '' && !isAcceptedContentType(contentType)) {
        throw ScimError.unsupportedMediaType(
          'Content-Type must be application/scim+json or application/json (UTF-8).',
        );
      }
      chainState(event).body = parseJsonBody(bytes);
    },
  };
}
