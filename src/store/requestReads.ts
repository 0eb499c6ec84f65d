import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<Map<string, Promise<unknown>>>();

/**
 * One request's reads, made once: a sign-in asks the same person's failures and locks, and
 * its address's throttle, at the password, for the plan and at the code; the provider loads
 * the interaction it just loaded, and the code or refresh token it is about to consume —
 * one query each serves them all. Outside a request (the CLI, tests) nothing is
 * remembered. Whatever writes what a read read remembers its own write or forgets the
 * read, so a request always sees its own writes.
 */
export function withRequestReads<T>(work: () => Promise<T>): Promise<T> {
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

/** The read under `key` if this request made it (its answer may be "nothing there"), else undefined. */
export function recall<T>(key: string): Promise<T> | undefined {
  return scope.getStore()?.get(key) as Promise<T> | undefined;
}

/** What the request knows after its own write, in place of a read of it. */
export function remember<T>(key: string, value: T): void {
  scope.getStore()?.set(key, Promise.resolve(value));
}

/** Forgets a remembered read (after a write to what it read). */
export function forget(key: string): void {
  scope.getStore()?.delete(key);
}

/** Forgets every remembered read whose key starts with `prefix` (after a write that may touch any of them). */
export function forgetEvery(prefix: string): void {
  const memo = scope.getStore();
  if (!memo) return;
  for (const key of memo.keys()) if (key.startsWith(prefix)) memo.delete(key);
}
