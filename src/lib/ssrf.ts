/**
 * SSRF guard for outbound calls to addresses a partner chose (webhooks). The URL must be http(s)
 * without credentials; every address its host resolves to must be public; and the connection is made
 * to the address that was checked (the resolver is pinned), so DNS rebinding cannot swap it. Private
 * and loopback targets are allowed only when configured for local use; link-local and cloud metadata
 * addresses never are.
 */
import { at } from './narrow.ts';
import { isIP } from 'node:net';
import { lookup as dnsLookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

export class UnsafeTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeTargetError';
  }
}

type Verdict = 'public' | 'private' | 'forbidden';

/** The cloud metadata service over IPv6 (AWS's fd00:ec2::254); over IPv4 it is 169.254.169.254, link-local. */
const AWS_METADATA_V6 = ipaddr.IPv6.parse('fd00:ec2::254').toNormalizedString();

/** An IPv4 address: public unicast; private or loopback; or anything else (link-local and metadata, CGNAT, reserved, multicast…), never. */
function classifyV4(ip: ipaddr.IPv4): Verdict {
  const range = ip.range();
  if (range === 'unicast') return 'public';
  if (range === 'private' || range === 'loopback') return 'private';
  return 'forbidden';
}

/** The IPv4 address an IPv6 address hands its packets to, where its prefix says the network translates or tunnels to one. */
function embeddedV4(ip: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const p = ip.parts;
  const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  // NAT64's well-known prefix 64:ff9b::/96 (RFC 6052): on an IPv6-only network with NAT64,
  // 64:ff9b::a9fe:a9fe reaches 169.254.169.254.
  if (p[0] === 0x64 && p[1] === 0xff9b && p[2] === 0 && p[3] === 0 && p[4] === 0 && p[5] === 0)
    return v4(at(p, 6), at(p, 7)); // an IPv6 address has eight parts
  if (ip.range() === '6to4') return v4(at(p, 1), at(p, 2)); // 2002:AABB:CCDD::/48
  return undefined;
}

/**
 * Where an address may be reached: public, private (allowed only when configured for local use), or
 * forbidden whatever the configuration. IPv6 forms that carry an IPv4 address (mapped, NAT64, 6to4) are
 * judged by that address (public only); the deprecated IPv4-compatible ::/96, Teredo, NAT64's local-use
 * prefix and every other special-purpose range are forbidden.
 */
export function classifyAddress(address: string): Verdict {
  if (!ipaddr.isValid(address)) return 'forbidden';
  const ip = ipaddr.process(address); // an IPv4-mapped IPv6 address becomes its IPv4 address
  if (ip instanceof ipaddr.IPv4) return classifyV4(ip);
  const v6 = ip;
  const inner = embeddedV4(v6);
  if (inner) return classifyV4(inner) === 'public' ? 'public' : 'forbidden';
  if (v6.toNormalizedString() === AWS_METADATA_V6) return 'forbidden'; // inside fc00::/7, so it would pass as private
  const range = v6.range();
  if (range === 'loopback' || range === 'uniqueLocal') return 'private';
  if (range !== 'unicast') return 'forbidden';
  if (v6.parts.slice(0, 6).every((x) => x === 0)) return 'forbidden'; // ::a.b.c.d, IPv4-compatible (deprecated, RFC 4291)
  return 'public';
}

export interface SafeTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

/** The URL's host as a name or a bare address (an IPv6 literal without its brackets). */
const hostOf = (url: URL): string => url.hostname.replace(/^\[|\]$/g, '');

/** Checks a URL's form only (at configuration time); `resolveSafeTarget` checks where it points. */
export function checkUrlForm(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeTargetError('not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UnsafeTargetError('only http and https URLs are allowed');
  if (url.username || url.password) throw new UnsafeTargetError('URLs with credentials are not allowed');
  if (!url.hostname) throw new UnsafeTargetError('the URL has no host');
  // A literal address that no configuration allows (link-local and cloud metadata, reserved, …) is
  // refused as soon as the URL is given; a name is checked where it points, at each delivery.
  const host = hostOf(url);
  if (isIP(host) && classifyAddress(host) === 'forbidden')
    throw new UnsafeTargetError(
      'the URL points at a link-local, metadata or reserved address, where nothing is ever delivered',
    );
  return url;
}

export async function resolveSafeTarget(
  raw: string,
  allowPrivate: boolean,
  lookup: typeof dnsLookup = dnsLookup,
): Promise<SafeTarget> {
  const url = checkUrlForm(raw);
  const host = hostOf(url);
  const addresses = isIP(host)
    ? [{ address: host, family: isIP(host) }]
    : await lookup(host, { all: true, verbatim: true });
  if (addresses.length === 0) throw new UnsafeTargetError('the host did not resolve');
  for (const a of addresses) {
    const c = classifyAddress(a.address);
    if (c === 'forbidden' || (c === 'private' && !allowPrivate)) {
      throw new UnsafeTargetError('the host resolves to a private, loopback, link-local or reserved address');
    }
  }
  const first = at(addresses, 0, 'address'); // checked above: there is one
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}
