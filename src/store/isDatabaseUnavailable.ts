/** Driver errors that say the database is away (gone, frozen, unreachable), not that a request was wrong. */
const unavailableNames = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoPoolClearedError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
]);

/** Mongoose's own words when it cannot hand a command to the driver (buffering off or timed out). */
const mongooseUnavailable = /buffering timed out|before initial connection is complete|Connection was force closed|Client must be connected/i;

/**
 * The driver lets a few socket errors through unwrapped (writing to a connection the
 * database has just closed: EPIPE "This socket has been ended by the other party"). They
 * count only when raised inside the driver, so that a mail server's refusal, say, does not.
 */
const socketCodes = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ERR_STREAM_WRITE_AFTER_END', 'ERR_STREAM_DESTROYED']);
const isErrorLike = (value: unknown): value is Error => typeof value === 'object' && value !== null && typeof (value as Error).name === 'string' && typeof (value as Error).message === 'string';
const raisedByDriver = (error: Error) => /[/\\]node_modules[/\\]mongodb[/\\]/.test(error.stack ?? '');

/** True when `error`, or an error it was caused by, means the database cannot be reached right now. */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  // Not `instanceof Error`: errors made by Node itself may come from another realm (a vm context, as under jest).
  for (let depth = 0; depth < 5 && isErrorLike(current); depth += 1) {
    if (unavailableNames.has(current.name)) return true;
    if (current.name === 'MongooseError' && mongooseUnavailable.test(current.message)) return true;
    if (socketCodes.has(String((current as NodeJS.ErrnoException).code)) && raisedByDriver(current)) return true;
    current = current.cause;
  }
  return false;
}
