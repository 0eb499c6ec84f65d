/**
 * IPv4 and IPv6 addresses and CIDR ranges as numbers, without I/O: what IP groups are
 * checked, normalised and matched with.
 */

export type IpAddress = { family: 4 | 6; value: bigint };
export type IpRange = { family: 4 | 6; network: bigint; prefix: number };

const bitsOf = (family: 4 | 6) => (family === 4 ? 32 : 128);

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    // No leading zeros: "010" means 8 to some software and 10 to others.
    if (!/^(?:0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

const groupsOf = (half: string) => (half === '' ? [] : half.split(':'));
const hexGroups = (words: bigint[]) => words.map((word) => word.toString(16)).join(':');

function parseIPv6(text: string): bigint | undefined {
  let groups = text;
  let tail: bigint[] = [];
  if (text.includes('.')) {
    const lastColon = text.lastIndexOf(':');
    const v4 = parseIPv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [v4 >> 16n, v4 & 0xffffn];
    // "::ffff:1.2.3.4" → "::ffff", "::1.2.3.4" → "::": the groups before the IPv4 part.
    groups = text.slice(0, lastColon + 1);
    if (!groups.endsWith('::')) groups = groups.slice(0, -1);
  }
  const halves = groups.split('::');
  if (halves.length > 2) return undefined;
  const head = groupsOf(halves[0]!);
  const rest = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (![...head, ...rest].every((group) => /^[0-9a-fA-F]{1,4}$/.test(group))) return undefined;
  const given = head.length + rest.length + tail.length;
  if (halves.length === 2 ? given > 7 : given !== 8) return undefined;
  const words = [...head.map((g) => BigInt(`0x${g}`)), ...Array<bigint>(8 - given).fill(0n), ...rest.map((g) => BigInt(`0x${g}`)), ...tail];
  return words.reduce((value, word) => (value << 16n) | word, 0n);
}

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address it carries. */
function unmapped(address: IpAddress): IpAddress {
  return address.family === 6 && address.value >> 32n === 0xffffn ? { family: 4, value: address.value & 0xffffffffn } : address;
}

/** An IPv4 or IPv6 address (a zone such as %eth0 is not accepted); undefined when it is not one. */
export function parseIpAddress(text: string): IpAddress | undefined {
  if (typeof text !== 'string' || text.length > 45) return undefined;
  if (!text.includes(':')) {
    const value = parseIPv4(text);
    return value === undefined ? undefined : { family: 4, value };
  }
  const value = parseIPv6(text);
  return value === undefined ? undefined : { family: 6, value };
}

export function formatIpAddress(address: IpAddress): string {
  if (address.family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((address.value >> shift) & 0xffn)).join('.');
  const words = Array.from({ length: 8 }, (_, i) => (address.value >> BigInt(112 - 16 * i)) & 0xffffn);
  // RFC 5952: the longest run of two or more zero groups (the first of equal runs) becomes "::".
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0n) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0n) j += 1;
    if (j - i > best.length && j - i >= 2) best = { start: i, length: j - i };
    i = j;
  }
  if (best.start < 0) return hexGroups(words);
  return `${hexGroups(words.slice(0, best.start))}::${hexGroups(words.slice(best.start + best.length))}`;
}

/**
 * A range "address/prefix", or a bare address (a range of one: /32 or /128). An
 * IPv4-mapped IPv6 range of prefix 96 or more is the IPv4 range it covers. The address
 * must be the first of its range: "10.1.2.3/8" is refused, since it often hides a typo.
 * Returns the range, or a sentence saying what is wrong.
 */
export function parseIpRange(text: unknown): IpRange | { problem: string } {
  if (typeof text !== 'string') return { problem: `a range such as 10.0.0.0/8, 2001:db8::/32 or 192.0.2.7; got ${JSON.stringify(text)}` };
  const shown = JSON.stringify(text);
  const [addressText = '', prefixText, ...more] = text.trim().split('/');
  if (more.length > 0) return { problem: `${shown} is not a range: one "/" at most, as in 10.0.0.0/8` };
  const parsed = parseIpAddress(addressText);
  if (!parsed) {
    const hint = addressText.includes('%') ? ' (a zone such as %eth0 is not accepted)' : /(^|[.:])0\d/.test(addressText) && !addressText.includes(':') ? ' (an IPv4 part has no leading zeros)' : '';
    return { problem: `${shown} is not a range: "${addressText}" is not an IPv4 or IPv6 address${hint}` };
  }
  const bits = bitsOf(parsed.family);
  if (prefixText !== undefined && (!/^(?:0|[1-9]\d{0,2})$/.test(prefixText) || Number(prefixText) > bits)) {
    return { problem: `${shown} is not a range: the prefix length of an IPv${parsed.family} range is 0 to ${bits}` };
  }
  let range: IpRange = { family: parsed.family, network: parsed.value, prefix: prefixText === undefined ? bits : Number(prefixText) };
  const address = unmapped(parsed);
  if (address.family === 4 && parsed.family === 6 && range.prefix >= 96) range = { family: 4, network: address.value, prefix: range.prefix - 96 };
  const hostBits = BigInt(bitsOf(range.family) - range.prefix);
  const network = (range.network >> hostBits) << hostBits;
  if (network !== range.network) {
    const first = formatIpRange({ ...range, network });
    return { problem: `${shown} has address bits set after the first ${range.prefix}: the range is ${first}, or give the address alone for just that address` };
  }
  return range;
}

export function formatIpRange(range: IpRange): string {
  return `${formatIpAddress({ family: range.family, value: range.network })}/${range.prefix}`;
}

const mappedPrefix = 0xffffn << 32n;

/** Where an address or range lies in the IPv6 space: IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d). */
const asIPv6 = (family: 4 | 6, value: bigint) => (family === 4 ? mappedPrefix | value : value);

/**
 * Whether an address is inside a range. An IPv4 address and its IPv4-mapped IPv6 form are
 * the same address (as for node:net BlockList): ::ffff:10.1.2.3 is in 10.0.0.0/8, and
 * every IPv4 address is in ::/0.
 */
export function rangeContains(range: IpRange, address: IpAddress): boolean {
  const hostBits = BigInt(128 - (range.family === 4 ? range.prefix + 96 : range.prefix));
  return asIPv6(address.family, address.value) >> hostBits === asIPv6(range.family, range.network) >> hostBits;
}
