// Which IP addresses a URL from untrusted data may make us connect to. `fetch` takes its URLs from dataset rows: a
// row pointing at 127.0.0.1, 10.x, 169.254.169.254 (cloud metadata) or fd00::/8 would make this machine request
// its own or its network's private services (SSRF). Every address that is not public unicast is named here, with
// the reason shown to the user. IPv6 forms that embed an IPv4 address (IPv4-mapped, NAT64, 6to4) are judged by the
// IPv4 address they carry.
import { BlockList, isIP } from 'node:net';

interface Range {
  network: string;
  prefix: number;
  reason: string;
}

const IPV4_RANGES: Range[] = [
  { network: '0.0.0.0', prefix: 8, reason: '"this network"' },
  { network: '10.0.0.0', prefix: 8, reason: 'private' },
  { network: '100.64.0.0', prefix: 10, reason: 'shared (carrier-grade NAT)' },
  { network: '127.0.0.0', prefix: 8, reason: 'loopback' },
  { network: '169.254.0.0', prefix: 16, reason: 'link-local (cloud metadata)' },
  { network: '172.16.0.0', prefix: 12, reason: 'private' },
  { network: '192.0.0.0', prefix: 24, reason: 'IETF protocol assignment' },
  { network: '192.0.2.0', prefix: 24, reason: 'documentation' },
  { network: '192.88.99.0', prefix: 24, reason: '6to4 relay' },
  { network: '192.168.0.0', prefix: 16, reason: 'private' },
  { network: '198.18.0.0', prefix: 15, reason: 'benchmarking' },
  { network: '198.51.100.0', prefix: 24, reason: 'documentation' },
  { network: '203.0.113.0', prefix: 24, reason: 'documentation' },
  { network: '224.0.0.0', prefix: 4, reason: 'multicast' },
  { network: '240.0.0.0', prefix: 4, reason: 'reserved or broadcast' },
];

/** IPv6 ranges that are not public unicast (checked after the IPv4-carrying forms, which are unwrapped first). */
const IPV6_RANGES: Range[] = [
  { network: '::1', prefix: 128, reason: 'loopback' },
  { network: '::', prefix: 96, reason: 'unspecified or IPv4-compatible' },
  { network: '64:ff9b:1::', prefix: 48, reason: 'local-use NAT64' },
  { network: '100::', prefix: 64, reason: 'discard-only' },
  { network: '2001::', prefix: 23, reason: 'IETF protocol assignment' },
  { network: '2001:db8::', prefix: 32, reason: 'documentation' },
  { network: 'fc00::', prefix: 7, reason: 'unique local (private)' },
  { network: 'fe80::', prefix: 10, reason: 'link-local' },
  { network: 'fec0::', prefix: 10, reason: 'site-local' },
  { network: 'ff00::', prefix: 8, reason: 'multicast' },
];

function compile(ranges: Range[], family: 'ipv4' | 'ipv6'): { list: BlockList; reason: string }[] {
  return ranges.map((r) => {
    const list = new BlockList();
    list.addSubnet(r.network, r.prefix, family);
    return { list, reason: r.reason };
  });
}
const V4 = compile(IPV4_RANGES, 'ipv4');
const V6 = compile(IPV6_RANGES, 'ipv6');

/** A literal address without URL brackets or an IPv6 zone (`[fe80::1%eth0]` -> `fe80::1`). */
export function bareAddress(host: string): string {
  const unbracketed = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const zone = unbracketed.indexOf('%');
  return zone >= 0 && unbracketed.includes(':') ? unbracketed.slice(0, zone) : unbracketed;
}

/** The 16 bytes of an IPv6 address (with `::` and an optional trailing dotted quad), or null. */
export function ipv6Bytes(address: string): Uint8Array | null {
  if (isIP(address) !== 6) return null;
  let text = address.toLowerCase();
  const out = new Uint8Array(16);
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  let tail: number[] = [];
  if (quad) {
    tail = quad[1].split('.').map(Number);
    text = text.slice(0, -quad[1].length) + '0:0';
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, null];
  const groups = (s: string) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const front = groups(head);
  const back = rest == null ? [] : groups(rest);
  const all = rest == null ? front : [...front, ...new Array(8 - front.length - back.length).fill(0), ...back];
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  if (quad) out.set(tail, 12);
  return out;
}

/** The IPv4 address an IPv6 address carries: IPv4-mapped (::ffff:0:0/96), NAT64 (64:ff9b::/96) or 6to4 (2002::/16). */
export function embeddedIpv4(address: string): { ipv4: string; form: string } | null {
  const b = ipv6Bytes(address);
  if (!b) return null;
  const zeros = (from: number, to: number) => b.subarray(from, to).every((x) => x === 0);
  const dotted = (at: number) => Array.from(b.subarray(at, at + 4)).join('.');
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return { ipv4: dotted(12), form: 'IPv4-mapped' };
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12))
    return { ipv4: dotted(12), form: 'NAT64' };
  if (b[0] === 0x20 && b[1] === 0x02) return { ipv4: dotted(2), form: '6to4' };
  return null;
}

/**
 * Why this literal IP address is not a public unicast address (e.g. 'loopback', 'private', 'link-local (cloud
 * metadata)'), or null when it is public. Anything that is not an IP literal is refused as 'not an IP address'.
 */
export function nonPublicReason(host: string): string | null {
  const address = bareAddress(host);
  const family = isIP(address);
  if (family === 4) return V4.find((r) => r.list.check(address, 'ipv4'))?.reason ?? null;
  if (family !== 6) return 'not an IP address';
  const embedded = embeddedIpv4(address);
  if (embedded) {
    const inner = nonPublicReason(embedded.ipv4);
    return inner && `${embedded.form} ${inner}`;
  }
  return V6.find((r) => r.list.check(address, 'ipv6'))?.reason ?? null;
}

/** True for an address of this machine's loopback interface: 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackAddress(host: string): boolean {
  const reason = nonPublicReason(host);
  return reason === 'loopback' || reason === 'IPv4-mapped loopback';
}
