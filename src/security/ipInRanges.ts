import { parseIpAddress, parseIpRange, rangeContains } from './ipRanges.ts';

/**
 * Whether a client address (as Koa's ctx.ip gives it: IPv4, IPv6, or IPv4-mapped IPv6
 * such as ::ffff:10.1.2.3) is inside any of the ranges of an IP group ("10.0.0.0/8",
 * "2001:db8::/32", a bare address). An IPv4 address and its mapped IPv6 form are the same
 * address. A zone (%eth0) on the client address is ignored. Fails closed: an address that
 * cannot be read, or a range that cannot (stored ranges are checked when saved), matches nothing.
 */
export function ipInRanges(ip: string, ranges: readonly string[]): boolean {
  const address = typeof ip === 'string' ? parseIpAddress(ip.includes(':') ? ip.replace(/%[^%]*$/, '') : ip) : undefined;
  if (!address) return false;
  return ranges.some((text) => {
    const range = parseIpRange(text);
    return !('problem' in range) && rangeContains(range, address);
  });
}
