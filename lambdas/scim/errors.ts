/**
 * The one error type of the service. Every failure that reaches a client is a ScimError; the error
 * middleware turns it into an RFC 7644 §3.12 body. scimType values come straight from the RFC (table 9),
 * plus the pagination error types RFC 9865 §2.3 adds to that table (invalidCursor, expiredCursor; its
 * invalidCount never arises here: a count out of range is read as the nearest valid one, RFC 7644 §3.4.2.4).
 */
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive'
  | 'invalidCursor'
  | 'expiredCursor';

export interface ScimErrorBody {
  schemas: [typeof ERROR_SCHEMA];
  /** A string, as RFC 7644 §3.12 shows and Entra expects. */
  status: string;
  scimType?: ScimType;
  detail: string;
}

export class ScimError extends Error {
  override readonly name = 'ScimError';

  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: ScimType,
    /** Extra response headers, e.g. Retry-After on 503 or WWW-Authenticate on 401. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
  }

  toBody(): ScimErrorBody {
    return {
      schemas: [ERROR_SCHEMA],
      status: String(this.status),
      ...(this.scimType ? { scimType: this.scimType } : {}),
      detail: this.detail,
    };
  }

  static invalidFilter(detail: string): ScimError {
    return new ScimError(400, detail, 'invalidFilter');
  }
  static invalidPath(detail: string): ScimError {
    return new ScimError(400, detail, 'invalidPath');
  }
  static invalidSyntax(detail: string): ScimError {
    return new ScimError(400, detail, 'invalidSyntax');
  }
  static invalidValue(detail: string): ScimError {
    return new ScimError(400, detail, 'invalidValue');
  }
  /** RFC 9865: a cursor this server did not issue. (Ours hold no state, so none ever expires.) */
  static invalidCursor(detail: string): ScimError {
    return new ScimError(400, detail, 'invalidCursor');
  }
  static noTarget(detail: string): ScimError {
    return new ScimError(400, detail, 'noTarget');
  }
  static mutability(detail: string): ScimError {
    return new ScimError(400, detail, 'mutability');
  }
  static tooMany(detail: string): ScimError {
    return new ScimError(400, detail, 'tooMany');
  }
  static uniqueness(detail: string): ScimError {
    return new ScimError(409, detail, 'uniqueness');
  }
  static badRequest(detail: string): ScimError {
    return new ScimError(400, detail);
  }
  static unauthorized(detail = 'Authentication failed.'): ScimError {
    return new ScimError(401, detail, undefined, { 'WWW-Authenticate': 'Bearer realm="SCIM"' });
  }
  /** `User <id> not found.`: the one wording of a missing resource, whichever layer finds it missing. */
  static resourceNotFound(resourceType: string, id: string): ScimError {
    return ScimError.notFound(`${resourceType} ${id} not found.`);
  }

  static notFound(detail: string): ScimError {
    return new ScimError(404, detail);
  }
  static methodNotAllowed(detail: string, allow: readonly string[]): ScimError {
    return new ScimError(405, detail, undefined, { Allow: allow.join(', ') });
  }
  static conflict(detail: string): ScimError {
    return new ScimError(409, detail);
  }
  static preconditionFailed(detail: string): ScimError {
    return new ScimError(412, detail);
  }
  static payloadTooLarge(detail: string): ScimError {
    return new ScimError(413, detail);
  }
  static unsupportedMediaType(detail: string): ScimError {
    return new ScimError(415, detail);
  }
  /** A rate limit (a tenant's share, or the lookups of tenants never seen): retry after the given time. */
  static tooManyRequests(detail: string, retryAfterSeconds: number): ScimError {
    return new ScimError(429, detail, undefined, { 'Retry-After': String(retryAfterSeconds) });
  }
  static internal(detail = 'Internal server error.'): ScimError {
    return new ScimError(500, detail);
  }
  static notImplemented(detail: string): ScimError {
    return new ScimError(501, detail);
  }
  /** A backend is down or throttling. Never a 401 or 500: Entra quarantines jobs on those. */
  static unavailable(detail: string, retryAfterSeconds = 30): ScimError {
    return new ScimError(503, detail, undefined, { 'Retry-After': String(retryAfterSeconds) });
  }
}

export const isScimError = (error: unknown): error is ScimError => error instanceof ScimError;
