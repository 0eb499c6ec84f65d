import { formatIpAddress, parseIpAddress } from '../../security/ipRanges.ts';

/**
 * The client address as failures are counted by: an IPv4 address (an IPv4-mapped IPv6
 * address is its IPv4 address), or the /64 network of an IPv6 address — one subscriber
 * usually holds a whole /64, so counting single IPv6 addresses would let one machine
 * rotate through endless fresh budgets. Anything that is not an address (a zone such as
 * %eth0 is dropped first) falls into one shared "unknown" bucket rather than a budget of
 * its own per spelling.
 */
export function clientAddressKey(ip: string): string {
  const text = typeof ip === 'string' ? ip.trim() : '';
  const address = parseIpAddress(text.includes(':') ? text.replace(/%[^%]*$/, '') : text);
  if (!address) return 'unknown';
  if (address.family === 4) return formatIpAddress(address);
  if (address.value >> 32n === 0xffffn) return formatIpAddress({ family: 4, value: address.value & 0xffffffffn });
  return `${formatIpAddress({ family: 6, value: (address.value >> 64n) << 64n })}/64`;
}
