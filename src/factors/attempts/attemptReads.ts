import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<Map<string, Promise<unknown>>>();

/**
 * One request's reads of the retry limits, made once: a sign-in asks the same person's
 * failures and locks, and its address's throttle, at the password, for the plan and at the
 * code — one query each serves them all. Outside a request (the CLI, tests of the limiter)
 * nothing is remembered. Whatever records a failure, a success or an unlock forgets what it
 * changed, so a request always sees its own writes.
 */
export function withAttemptReads<T>(work: () => Promise<T>): Promise<T> {
  return scope.run(new Map(), work);
}

/** The read under `key`, made once per request. */
export function remembered<T>(key: string, read: () => PromiseLike<T>): Promise<T> {
  const memo = scope.getStore();
  if (!memo) return Promise.resolve(read());
  let pending = memo.get(key) as Promise<T> | undefined;
  if (!pending) {
    // A mongoose query runs each time it is awaited: adopted once into a promise, it runs once.
    pending = Promise.resolve(read());
    memo.set(key, pending);
    pending.catch(() => memo.delete(key));
  }
  return pending;
}

/** Forgets a remembered read (after a write to what it read). */
export function forget(key: string): void {
  scope.getStore()?.delete(key);
}
