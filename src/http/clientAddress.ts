import type { Context, Next } from 'koa';
import type { Config } from '../configuration/loadConfig.ts';
import { ipInRanges } from '../security/ipInRanges.ts';
import { withClientAddress } from '../security/clientAddressScope.ts';

export type ProxyTrust = Pick<Config, 'trustProxy' | 'trustProxyHops' | 'trustProxyRanges'>;

/** One X-Forwarded-For entry as an address: brackets and a port (which some proxies add) dropped. */
function entryAddress(entry: string): string {
  const text = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) return bracketed[1]!;
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(text);
  return withPort ? withPort[1]! : text;
}

/**
 * The client's address: the one the nearest untrusted hop presented. The chain is read
 * from the socket's peer leftwards through X-Forwarded-For, each proxy having appended the
 * address it was reached from; a hop is trusted when it is one of the first
 * `trustProxyHops` (the operator's own proxies) or inside `trustProxyRanges`. Entries left
 * of the first untrusted hop were written by the client and are never read. Without
 * TRUST_PROXY, the socket's peer is the client.
 */
export function clientAddressOf(trust: ProxyTrust, socketAddress: string, forwardedFor: string | undefined): string {
  if (!trust.trustProxy || !forwardedFor) return socketAddress;
  const chain = [socketAddress, ...forwardedFor.split(',').map(entryAddress).filter(Boolean).toReversed()];
  const trusted = (address: string, hop: number) => hop < trust.trustProxyHops || (trust.trustProxyRanges.length > 0 && ipInRanges(address, trust.trustProxyRanges));
  const client = chain.findIndex((address, hop) => !trusted(address, hop));
  return chain[client === -1 ? chain.length - 1 : client]!;
}

/**
 * Settles the client address of every request once, before anything reads it: Koa's
 * `ctx.ip` is set to it (IP groups, the address throttle, password locks, the audit and
 * the request log all read that one value; the audit log through clientAddressScope.ts), and the raw request handed to oidc-provider
 * carries it as its only X-Forwarded-For entry, so the provider sees the same address.
 */
export function resolveClientAddress(trust: ProxyTrust) {
  return async (ctx: Context, next: Next) => {
    const forwardedFor = ctx.req.headers['x-forwarded-for'];
    const address = clientAddressOf(trust, ctx.req.socket.remoteAddress ?? '', Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor);
    ctx.request.ip = address;
    if (trust.trustProxy) ctx.req.headers['x-forwarded-for'] = address;
    else delete ctx.req.headers['x-forwarded-for'];
    await withClientAddress(address, next);
  };
}
