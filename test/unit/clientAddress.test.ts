import { clientAddressOf, type ProxyTrust } from '../../src/http/clientAddress.ts';

const direct: ProxyTrust = { trustProxy: false, trustProxyHops: 1, trustProxyRanges: [] };
const oneProxy: ProxyTrust = { trustProxy: true, trustProxyHops: 1, trustProxyRanges: [] };
const twoProxies: ProxyTrust = { trustProxy: true, trustProxyHops: 2, trustProxyRanges: [] };
const byRanges: ProxyTrust = { trustProxy: true, trustProxyHops: 0, trustProxyRanges: ['10.0.0.0/8', 'fd00::/8'] };
const hopAndRanges: ProxyTrust = { trustProxy: true, trustProxyHops: 1, trustProxyRanges: ['10.0.0.0/8'] };

test.each([
  // [trust, socket peer, X-Forwarded-For, client address]
  ['no proxy: the header is ignored', direct, '203.0.113.5', '192.0.2.66', '203.0.113.5'],
  ['one proxy: the entry it appended', oneProxy, '10.0.0.2', '192.0.2.66', '192.0.2.66'],
  ['one proxy: entries the client wrote before it are ignored', oneProxy, '10.0.0.2', '10.20.3.4, 127.0.0.1, 192.0.2.66', '192.0.2.66'],
  ['one proxy, no header: the proxy itself', oneProxy, '10.0.0.2', undefined, '10.0.0.2'],
  ['two proxies: the entry the outer one appended', twoProxies, '10.0.0.2', '10.20.3.4, 192.0.2.66, 10.0.0.9', '192.0.2.66'],
  ['two proxies, one entry only: the leftmost there is', twoProxies, '10.0.0.2', '192.0.2.66', '192.0.2.66'],
  ['ranges: trusted proxies skipped, the first untrusted counts', byRanges, '10.0.0.2', '10.20.3.4, 192.0.2.66, 10.9.9.9', '192.0.2.66'],
  ['ranges: a peer outside them is the client, its header ignored', byRanges, '198.51.100.7', '10.20.3.4', '198.51.100.7'],
  ['ranges: IPv6 proxies', byRanges, 'fd00::1', '2001:db8::5, fd00::2', '2001:db8::5'],
  ['a hop and ranges together', hopAndRanges, '172.16.0.1', '192.0.2.66, 10.1.1.1', '192.0.2.66'],
  ['ports and brackets that proxies add are dropped', twoProxies, '10.0.0.2', '[2001:db8::7]:4711, 10.0.0.3:8080', '2001:db8::7'],
  ['IPv4 with a port', oneProxy, '10.0.0.2', '192.0.2.66:51234', '192.0.2.66'],
  ['every hop trusted: the leftmost entry', byRanges, '10.0.0.2', '10.1.1.1, 10.2.2.2', '10.1.1.1'],
  ['empty entries are skipped', oneProxy, '10.0.0.2', '192.0.2.66, ,', '192.0.2.66'],
])('%s', (_name, trust, socket, forwardedFor, expected) => {
  expect(clientAddressOf(trust, socket, forwardedFor)).toBe(expected);
});

test('a forged leftmost entry never becomes the client address, however many the client sends', () => {
  for (let forged = 1; forged <= 5; forged += 1) {
    const header = [...Array.from({ length: forged }, (_, i) => `10.20.0.${i + 1}`), '198.51.100.23'].join(', ');
    expect(clientAddressOf(oneProxy, '127.0.0.1', header)).toBe('198.51.100.23');
  }
});
