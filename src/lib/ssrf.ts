/**
 * SSRF guard for outbound calls to addresses a partner chose (webhooks). The URL must be http(s)
 * without credentials; every address its host resolves to must be public; and the connection is made
 * to the address that was checked (the resolver is pinned), so DNS rebinding cannot swap it. Private
 * and loopback targets are allowed only when configured for local use; link-local and cloud metadata
 * addresses never are.
 */
import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup } from 'node:dns/promises';

export class UnsafeTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeTargetError';
  }
}

const never = new BlockList();
never.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, incl. 169.254.169.254 metadata
never.addSubnet('0.0.0.0', 8, 'ipv4');
never.addSubnet('100.64.0.0', 10, 'ipv4'); // carrier-grade NAT
never.addSubnet('192.0.0.0', 24, 'ipv4');
never.addSubnet('198.18.0.0', 15, 'ipv4');
never.addSubnet('224.0.0.0', 4, 'ipv4'); // multicast
never.addSubnet('240.0.0.0', 4, 'ipv4'); // reserved, broadcast
never.addSubnet('fe80::', 10, 'ipv6');
never.addSubnet('ff00::', 8, 'ipv6');
never.addAddress('::', 'ipv6');
never.addAddress('fd00:ec2::254', 'ipv6'); // AWS metadata over IPv6

const privateOrLoopback = new BlockList();
privateOrLoopback.addSubnet('10.0.0.0', 8, 'ipv4');
privateOrLoopback.addSubnet('172.16.0.0', 12, 'ipv4');
privateOrLoopback.addSubnet('192.168.0.0', 16, 'ipv4');
privateOrLoopback.addSubnet('127.0.0.0', 8, 'ipv4');
privateOrLoopback.addAddress('::1', 'ipv6');
privateOrLoopback.addSubnet('fc00::', 7, 'ipv6');

function classify(address: string): 'public' | 'private' | 'forbidden' {
  let family: 'ipv4' | 'ipv6' = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  let a = address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) { a = mapped[1]!; family = 'ipv4'; }
  if (never.check(a, family)) return 'forbidden';
  if (privateOrLoopback.check(a, family)) return 'private';
  return 'public';
}

export interface SafeTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

/** Checks a URL's form only (at configuration time); `resolveSafeTarget` checks where it points. */
export function checkUrlForm(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeTargetError('not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UnsafeTargetError('only http and https URLs are allowed');
  if (url.username || url.password) throw new UnsafeTargetError('URLs with credentials are not allowed');
  if (!url.hostname) throw new UnsafeTargetError('the URL has no host');
  return url;
}

export async function resolveSafeTarget(raw: string, allowPrivate: boolean, lookup: typeof dnsLookup = dnsLookup): Promise<SafeTarget> {
  const url = checkUrlForm(raw);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [{ address: host, family: isIP(host) as 4 | 6 }] : await lookup(host, { all: true, verbatim: true });
  if (addresses.length === 0) throw new UnsafeTargetError('the host did not resolve');
  for (const a of addresses) {
    const c = classify(a.address);
    if (c === 'forbidden' || (c === 'private' && !allowPrivate)) {
      throw new UnsafeTargetError('the host resolves to a private, loopback, link-local or reserved address');
    }
  }
  const first = addresses[0]!;
  return { url, address: first.address, family: first.family as 4 | 6 };
}
