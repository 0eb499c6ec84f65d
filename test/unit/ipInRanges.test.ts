import { BlockList } from 'node:net';
import { ipInRanges } from '../../src/security/ipInRanges.ts';
import { normaliseRanges } from '../../src/directory/ipGroupDirectory.ts';
import { formatIpAddress, formatIpRange, parseIpAddress, parseIpRange } from '../../src/security/ipRanges.ts';

describe('ipInRanges', () => {
  test.each([
    // IPv4, boundaries of a /8 and a /24
    ['10.0.0.0', ['10.0.0.0/8'], true],
    ['10.255.255.255', ['10.0.0.0/8'], true],
    ['9.255.255.255', ['10.0.0.0/8'], false],
    ['11.0.0.0', ['10.0.0.0/8'], false],
    ['192.168.1.0', ['192.168.1.0/24'], true],
    ['192.168.1.255', ['192.168.1.0/24'], true],
    ['192.168.2.0', ['192.168.1.0/24'], false],
    ['192.168.0.255', ['192.168.1.0/24'], false],
    ['172.16.0.1', ['172.16.0.0/12'], true],
    ['172.31.255.255', ['172.16.0.0/12'], true],
    ['172.32.0.0', ['172.16.0.0/12'], false],
    // a bare address is a range of one
    ['192.0.2.7', ['192.0.2.7'], true],
    ['192.0.2.8', ['192.0.2.7'], false],
    ['192.0.2.7', ['192.0.2.7/32'], true],
    // /0 covers every address of its family
    ['1.2.3.4', ['0.0.0.0/0'], true],
    ['255.255.255.255', ['0.0.0.0/0'], true],
    ['2001:db8::1', ['0.0.0.0/0'], false],
    ['2001:db8::1', ['::/0'], true],
    // IPv6, boundaries
    ['2001:db8::', ['2001:db8::/32'], true],
    ['2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', ['2001:db8::/32'], true],
    ['2001:db9::', ['2001:db8::/32'], false],
    ['2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', ['2001:db8::/32'], false],
    ['2001:DB8:0:0:0:0:0:1', ['2001:db8::1'], true],
    ['2001:db8::2', ['2001:db8::1'], false],
    ['fe80::1', ['fe80::/10'], true],
    ['febf:ffff::1', ['fe80::/10'], true],
    ['fec0::1', ['fe80::/10'], false],
    ['::1', ['::1/128'], true],
    ['::2', ['::1/128'], false],
    // a zone on the client address is ignored
    ['fe80::1%eth0', ['fe80::/10'], true],
    // IPv4-mapped IPv6 is the IPv4 address, both ways
    ['::ffff:10.1.2.3', ['10.0.0.0/8'], true],
    ['::FFFF:10.1.2.3', ['10.0.0.0/8'], true],
    ['::ffff:a01:203', ['10.0.0.0/8'], true],
    ['::ffff:11.1.2.3', ['10.0.0.0/8'], false],
    ['10.1.2.3', ['::ffff:10.0.0.0/104'], true],
    ['::ffff:192.0.2.7', ['192.0.2.7'], true],
    ['::ffff:1.2.3.4', ['0.0.0.0/0'], true],
    ['1.2.3.4', ['::/0'], true],
    ['10.1.2.3', ['::ffff:0:0/96'], true],
    // IPv4-compatible (not mapped) addresses are IPv6 only
    ['::10.1.2.3', ['10.0.0.0/8'], false],
    // several ranges: any one matches
    ['2001:db8::5', ['10.0.0.0/8', '2001:db8::/32'], true],
    ['192.0.2.1', ['10.0.0.0/8', '2001:db8::/32'], false],
    ['10.0.0.1', [], false],
    // unreadable addresses and ranges match nothing
    ['not an address', ['0.0.0.0/0', '::/0'], false],
    ['', ['0.0.0.0/0'], false],
    ['10.1.2', ['0.0.0.0/0'], false],
    ['010.1.2.3', ['0.0.0.0/0'], false],
    ['1.2.3.256', ['0.0.0.0/0'], false],
    ['1::2::3', ['::/0'], false],
    ['10.1.2.3', ['10.0.0.0/33', 'garbage', '10.1.2.3/8'], false],
  ] as const)('%s in %j → %s', (ip, ranges, expected) => {
    expect(ipInRanges(ip, ranges)).toBe(expected);
  });

  test('agrees with node:net BlockList on random addresses and ranges', () => {
    let seed = 7;
    const random = (bound: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % bound;
    };
    const v4 = () => Array.from({ length: 4 }, () => random(256)).join('.');
    const v6 = () => Array.from({ length: 8 }, () => (random(4) === 0 ? 0 : random(65536)).toString(16)).join(':');
    for (let i = 0; i < 2000; i += 1) {
      const rangeFamily = random(2) === 0 ? 'ipv4' : 'ipv6';
      const prefix = random(rangeFamily === 'ipv4' ? 33 : 129);
      const parsed = parseIpRange(`${rangeFamily === 'ipv4' ? v4() : v6()}/${prefix}`);
      // A random address with bits after the prefix: take the range it starts.
      const range = 'problem' in parsed ? parseIpRange(/the range is (\S+),/.exec(parsed.problem)![1]) : parsed;
      if ('problem' in range) throw new Error(range.problem);
      const text = formatIpRange(range);
      const list = new BlockList();
      list.addSubnet(formatIpAddress({ family: range.family, value: range.network }), range.prefix, range.family === 4 ? 'ipv4' : 'ipv6');
      // Just before, at the start, at the end and just after the range, where it exists.
      const bits = range.family === 4 ? 32 : 128;
      const last = range.network + (1n << BigInt(bits - range.prefix)) - 1n;
      const edges = [range.network - 1n, range.network, last, last + 1n]
        .filter((value) => value >= 0n && value < 1n << BigInt(bits))
        .map((value) => formatIpAddress({ family: range.family, value }));
      for (const ip of [v4(), v6(), `::ffff:${v4()}`, ...edges]) {
        const family = ip.includes(':') ? 'ipv6' : 'ipv4';
        expect([ip, text, ipInRanges(ip, [text])]).toEqual([ip, text, list.check(ip, family)]);
      }
    }
  });
});

const format = (text: string) => formatIpAddress(parseIpAddress(text)!);

describe('IP ranges are checked strictly and normalised', () => {
  test.each([
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['192.0.2.7', '192.0.2.7/32'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['2001:DB8::/32', '2001:db8::/32'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1/128'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1/128'],
    ['::', '::/128'],
    ['::/0', '::/0'],
    ['::ffff:10.0.0.0/104', '10.0.0.0/8'],
    ['::ffff:192.0.2.7', '192.0.2.7/32'],
    [' 10.0.0.0/8 ', '10.0.0.0/8'],
  ])('%s → %s', (given, normal) => {
    expect(normaliseRanges([given])).toEqual([normal]);
  });

  test('duplicates after normalisation are kept once, in the order given', () => {
    expect(normaliseRanges(['2001:db8::/32', '10.0.0.0/8', '2001:DB8:0::/32', '192.0.2.7', '192.0.2.7/32'])).toEqual(['2001:db8::/32', '10.0.0.0/8', '192.0.2.7/32']);
  });

  test.each([
    ['10.1.2.3/8', 'ranges[0]: "10.1.2.3/8" has address bits set after the first 8: the range is 10.0.0.0/8, or give the address alone for just that address.'],
    ['2001:db8::1/32', 'ranges[0]: "2001:db8::1/32" has address bits set after the first 32: the range is 2001:db8::/32, or give the address alone for just that address.'],
    ['10.0.0.0/33', 'ranges[0]: "10.0.0.0/33" is not a range: the prefix length of an IPv4 range is 0 to 32.'],
    ['2001:db8::/129', 'ranges[0]: "2001:db8::/129" is not a range: the prefix length of an IPv6 range is 0 to 128.'],
    ['10.0.0.0/08', 'ranges[0]: "10.0.0.0/08" is not a range: the prefix length of an IPv4 range is 0 to 32.'],
    ['10.0.0.0/', 'ranges[0]: "10.0.0.0/" is not a range: the prefix length of an IPv4 range is 0 to 32.'],
    ['10.0.0.0/8/8', 'ranges[0]: "10.0.0.0/8/8" is not a range: one "/" at most, as in 10.0.0.0/8.'],
    ['10.0.0/8', 'ranges[0]: "10.0.0/8" is not a range: "10.0.0" is not an IPv4 or IPv6 address.'],
    ['010.0.0.0/8', 'ranges[0]: "010.0.0.0/8" is not a range: "010.0.0.0" is not an IPv4 or IPv6 address (an IPv4 part has no leading zeros).'],
    ['256.0.0.0/8', 'ranges[0]: "256.0.0.0/8" is not a range: "256.0.0.0" is not an IPv4 or IPv6 address.'],
    ['fe80::1%eth0', 'ranges[0]: "fe80::1%eth0" is not a range: "fe80::1%eth0" is not an IPv4 or IPv6 address (a zone such as %eth0 is not accepted).'],
    ['1::2::3', 'ranges[0]: "1::2::3" is not a range: "1::2::3" is not an IPv4 or IPv6 address.'],
    ['1:2:3:4:5:6:7:8:9', 'ranges[0]: "1:2:3:4:5:6:7:8:9" is not a range: "1:2:3:4:5:6:7:8:9" is not an IPv4 or IPv6 address.'],
    ['example.com', 'ranges[0]: "example.com" is not a range: "example.com" is not an IPv4 or IPv6 address.'],
    ['', 'ranges[0]: "" is not a range: "" is not an IPv4 or IPv6 address.'],
  ])('%s is refused', (given, message) => {
    expect(() => normaliseRanges([given])).toThrow(message);
  });

  test('the problem names the entry; a list is required', () => {
    expect(() => normaliseRanges(['10.0.0.0/8', '2001:db8::/32', 'nonsense'])).toThrow(/^ranges\[2\]: "nonsense" is not a range/);
    expect(() => normaliseRanges([7])).toThrow('ranges[0]: a range such as 10.0.0.0/8, 2001:db8::/32 or 192.0.2.7; got 7.');
    expect(() => normaliseRanges([])).toThrow(/^ranges: at least one range/);
    expect(() => normaliseRanges('10.0.0.0/8')).toThrow(/^ranges: at least one range/);
  });

  test('addresses print in the RFC 5952 form', () => {
    expect(format('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(format('2001:0:0:1:0:0:0:1')).toBe('2001:0:0:1::1');
    expect(format('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1');
    expect(format('0:0:0:0:0:0:0:0')).toBe('::');
    expect(format('1:0:0:0:0:0:0:0')).toBe('1::');
    expect(format('::1.2.3.4')).toBe('::102:304');
  });
});
