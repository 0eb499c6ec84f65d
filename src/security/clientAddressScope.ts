import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<string>();

/**
 * The client address of the request being handled, for what records who did something
 * (the audit log) without every service taking it as an argument. Set once per request
 * by src/http/clientAddress.ts; undefined outside a request (the CLI, the sweeper).
 */
export function currentClientAddress(): string | undefined {
  return scope.getStore();
}

export function withClientAddress<T>(address: string, work: () => Promise<T>): Promise<T> {
  return scope.run(address, work);
}
