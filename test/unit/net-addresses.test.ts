// Which addresses dataset URLs may reach (fetch's SSRF rule) and which are loopback (serve's bind check).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { embeddedIpv4, ipv6Bytes, isLoopbackAddress, nonPublicReason } from '../../native-workers/io/net-addresses.ts';

test('nonPublicReason names every non-public range and lets public unicast through', () => {
  const cases: [string, string | null][] = [
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.10', 'private'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['100.64.0.1', 'shared (carrier-grade NAT)'],
    ['0.0.0.0', '"this network"'],
    ['224.0.0.251', 'multicast'],
    ['255.255.255.255', 'reserved or broadcast'],
    ['192.0.2.7', 'documentation'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::', 'unspecified or IPv4-compatible'],
    ['::127.0.0.1', 'unspecified or IPv4-compatible'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped link-local (cloud metadata)'],
    ['64:ff9b::a00:1', 'NAT64 private'],
    ['2002:7f00:1::', '6to4 loopback'],
    ['fd00:ec2::254', 'unique local (private)'],
    ['fe80::1%eth0', 'link-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['example.com', 'not an IP address'],
    // public unicast
    ['8.8.8.8', null],
    ['172.32.0.1', null],
    ['100.128.0.1', null],
    ['::ffff:8.8.8.8', null],
    ['2606:4700::1111', null],
    ['2001:4860:4860::8888', null],
    ['2002:808:808::', null],
  ];
  for (const [address, reason] of cases) assert.equal(nonPublicReason(address), reason, address);
});

test('IPv6 parsing: compressed forms, trailing dotted quads and the IPv4 an address carries', () => {
  assert.deepEqual(Array.from(ipv6Bytes('::1')!), [...new Array(15).fill(0), 1]);
  assert.deepEqual(Array.from(ipv6Bytes('1:2::ff')!), [0, 1, 0, 2, ...new Array(10).fill(0), 0, 0xff]);
  assert.deepEqual(Array.from(ipv6Bytes('::ffff:1.2.3.4')!.subarray(10)), [0xff, 0xff, 1, 2, 3, 4]);
  assert.equal(ipv6Bytes('1.2.3.4'), null);
  assert.deepEqual(embeddedIpv4('::ffff:c0a8:101'), { ipv4: '192.168.1.1', form: 'IPv4-mapped' });
  assert.deepEqual(embeddedIpv4('64:ff9b::808:808'), { ipv4: '8.8.8.8', form: 'NAT64' });
  assert.deepEqual(embeddedIpv4('2002:a00:1::1'), { ipv4: '10.0.0.1', form: '6to4' });
  assert.equal(embeddedIpv4('2606:4700::1111'), null);
});

test('isLoopbackAddress: loopback literals only, never by string prefix', () => {
  for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) assert.equal(isLoopbackAddress(a), true, a);
  for (const a of ['127.attacker.example', 'localhost', '0.0.0.0', '::', '10.0.0.1', '128.0.0.1'])
    assert.equal(isLoopbackAddress(a), false, a);
});
