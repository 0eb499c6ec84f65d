import type { Context, Next } from 'koa';
import { GatehouseError } from '../errors/GatehouseError.ts';

export type Parse = (ctx: Context, next: Next) => Promise<void>;

/**
 * What a body parser throws while reading, as an answer that names the problem. A body
 * that is not what its Content-Encoding says makes zlib throw errors without a status,
 * which would be a 500 (and an error in the log): 400. An encoding nobody supports: 415
 * saying which are. Anything else the parser throws already has its 4xx and is kept.
 */
export function bodyReadError(error: unknown): unknown {
  const { status, message, code } = error as { status?: number; message?: string; code?: string };
  if (typeof code === 'string' && /^(Z_|ERR_(ZLIB|BROTLI))/.test(code) && status === undefined) {
    return new GatehouseError('The request body cannot be read: it is not encoded as its Content-Encoding header says.', { status: 400, expose: true, cause: error });
  }
  if (status === 415 && message?.startsWith('Unsupported Content-Encoding')) {
    return new GatehouseError('The request body cannot be read: its Content-Encoding is not supported (send it as is, or with gzip, deflate or br).', { status: 415, expose: true, cause: error });
  }
  return error;
}

/** Runs a body parser, turning what it throws while reading (never what later middleware throws) into bodyReadError's answer. */
export function readingBody(parse: Parse, toError: (error: unknown) => unknown = bodyReadError): Parse {
  return async (ctx, next) => {
    let read = false;
    try {
      await parse(ctx, () => {
        read = true;
        return next();
      });
    } catch (error) {
      if (read) throw error;
      throw toError(error);
    }
  };
}

