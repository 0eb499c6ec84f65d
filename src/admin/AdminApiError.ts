import { GatehouseError } from '../errors/GatehouseError.ts';

/**
 * A refusal of the admin API: an HTTP status, the `error` code of the JSON body, and for
 * 401/403 the `WWW-Authenticate` challenge (RFC 6750). Its message is always shown.
 */
export class AdminApiError extends GatehouseError {
  readonly code: string;
  readonly challenge: string | undefined;

  constructor(status: number, code: string, message: string, challenge?: string) {
    super(message, { status, expose: true });
    this.code = code;
    this.challenge = challenge;
  }
}

/** No credentials at all: the challenge carries no error code (RFC 6750 §3.1). */
export const tokenMissing = () =>
  new AdminApiError(401, 'invalid_token', 'An access token is required: send "Authorization: Bearer <token>" with a token that has the admin scope.', 'Bearer');

/** A token that is unknown, expired, revoked, or no longer backed by its client, grant or person. */
export const tokenInvalid = (message: string) => new AdminApiError(401, 'invalid_token', message, 'Bearer error="invalid_token"');

/** A valid token that may not use the admin API. */
export const notAllowed = (message: string) => new AdminApiError(403, 'insufficient_scope', message, 'Bearer error="insufficient_scope", scope="admin"');
