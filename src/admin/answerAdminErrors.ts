import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../store/isDatabaseUnavailable.ts';
import { AdminApiError } from './AdminApiError.ts';
import { maximumBodySize } from './readJsonBody.ts';

const codeByStatus: Record<number, string> = {
  400: 'invalid_request',
  401: 'invalid_token',
  403: 'insufficient_scope',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'invalid_request',
  415: 'invalid_request',
};

type CaughtError = Error & { status?: number; statusCode?: number; expose?: boolean; type?: string };

/** The sentence shown for an error: its own when it may be shown, a plain one for the body parser's. */
function describe(error: CaughtError, status: number): string {
  if (status >= 500) return 'The server could not complete the request. Please try again.';
  if (error.type === 'entity.too.large') return `The request body is larger than ${maximumBodySize}.`;
  if (error.type === 'encoding.unsupported') return 'The request body must be UTF-8 JSON.';
  if (status === 400 && !error.expose) return 'The request body is not valid JSON: send one JSON object.';
  return error.expose ? error.message : 'The request was refused.';
}

/**
 * Every answer of the admin API that is not a success is `{error, error_description}` JSON,
 * with the challenge header for 401/403. Details of unexpected errors go to the log only;
 * an unreachable database is left to the app's handleErrors (503).
 */
export function answerAdminErrors(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (caught) {
      // The app's handleErrors answers those for every route alike: 503 with Retry-After.
      if (isDatabaseUnavailable(caught)) throw caught;
      const error = caught as CaughtError;
      const given = error.status ?? error.statusCode ?? 500;
      const status = given >= 400 && given <= 599 ? given : 500;
      if (status >= 500) logger.error({ err: error, path: ctx.path }, 'admin API request failed');
      else logger.info({ path: ctx.path, status, reason: error.message }, 'admin API request refused');
      if (error instanceof AdminApiError && error.challenge) ctx.set('WWW-Authenticate', error.challenge);
      ctx.status = status;
      ctx.body = {
        error: error instanceof AdminApiError ? error.code : status >= 500 ? 'server_error' : (codeByStatus[status] ?? 'invalid_request'),
        error_description: describe(error, status),
      };
    }
  };
}
