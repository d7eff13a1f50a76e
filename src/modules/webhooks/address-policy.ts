import { isIP } from 'node:net';

/**
 * Where Langgan may send a webhook. Outside development mode only public unicast
 * addresses are allowed: otherwise an endpoint URL would let anyone holding the admin key
 * (or a project's operator) make Langgan call into its own network — cloud metadata at
 * 169.254.169.254, a database on 10.x, an admin port on 127.0.0.1.
 *
 * Every resolved address is checked (a name with one public and one private address is
 * refused), IPv4-mapped, -compatible, NAT64 and 6to4 IPv6 forms are judged by the IPv4
 * address they carry, and the connection is made to the very address that was checked
 * (see sender.ts), so a DNS answer cannot change between the check and the connect.
 */

/** IPv4 ranges that are not public unicast (RFC 6890 special-purpose registry and friends). */
const BLOCKED_V4: Array<[string, number]> = [
  ['0.0.0.0', 8], // "this network", 0.0.0.0 unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata lives here)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255 broadcast
];

/** True when `address` (an IPv4 or IPv6 literal) is a public unicast address. */
export function isPublicAddress(address: string): boolean {
  const kind = isIP(address);
  if (kind === 4) return isPublicV4(v4ToNumber(address));
  if (kind === 6) return isPublicV6(parseV6(address));
  return false;
}

function isPublicV4(n: number): boolean {
  return !BLOCKED_V4.some(([base, bits]) => inV4Range(n, v4ToNumber(base), bits));
}

function inV4Range(n: number, base: number, bits: number): boolean {
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return ((n & mask) >>> 0) === ((base & mask) >>> 0);
}

function v4ToNumber(address: string): number {
  return address.split('.').reduce((acc, part) => ((acc << 8) | Number(part)) >>> 0, 0);
}

/** Eight 16-bit groups; handles `::` and a trailing dotted quad. Zone ids (`%eth0`) are cut. */
function parseV6(address: string): number[] {
  let text = address.split('%')[0]!.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = v4ToNumber(dotted[1]!);
    text = text.slice(0, -dotted[1]!.length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const parse = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  const right = parse(tail);
  const zeros = tail === undefined ? [] : new Array(8 - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right];
}

function isPublicV6(g: number[]): boolean {
  const embeddedV4 = (hi: number, lo: number) => ((hi << 16) | lo) >>> 0;
  const allZero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);

  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (deprecated compatible; also :: and ::1).
  if (allZero(0, 5) && g[5] === 0xffff) return isPublicV4(embeddedV4(g[6]!, g[7]!));
  if (allZero(0, 6)) return g[6] !== 0 && isPublicV4(embeddedV4(g[6]!, g[7]!));
  // 64:ff9b::/96 (NAT64): judged by the IPv4 address it translates to.
  if (g[0] === 0x64 && g[1] === 0xff9b && allZero(2, 6)) return isPublicV4(embeddedV4(g[6]!, g[7]!));
  // 2002::/16 (6to4): the IPv4 address is in the second and third groups.
  if (g[0] === 0x2002) return isPublicV4(embeddedV4(g[1]!, g[2]!));

  // Anything outside global unicast 2000::/3 is refused: ::/8 and 100::/64 (discard),
  // 64:ff9b:1::/48 (local NAT64), fc00::/7 (unique local), fe80::/10 (link-local),
  // fec0::/10 (old site-local), ff00::/8 (multicast)…
  if ((g[0]! & 0xe000) !== 0x2000) return false;
  // …and inside it: 2001::/23 (IETF protocol assignments, Teredo 2001::/32 among them),
  // 2001:db8::/32 (documentation), 3fff::/20 (documentation).
  if (g[0] === 0x2001 && g[1]! < 0x200) return false;
  if (g[0] === 0x2001 && g[1] === 0xdb8) return false;
  if (g[0] === 0x3fff && g[1]! < 0x1000) return false;
  return true;
}

export type UrlProblem = string;

/** Each way an endpoint URL can be refused, by a stable key (the dashboard words them in its languages). */
export const URL_PROBLEMS = {
  not_absolute: 'must be an absolute https URL',
  http_outside_development: 'must be an https URL (http is allowed only while the project is in development mode)',
  credentials: 'must not carry a user name or password',
  fragment: 'must not carry a fragment',
  private_address: 'must not point at a private, loopback, link-local or unspecified address (allowed only in development mode)',
  localhost: 'must not point at localhost (allowed only in development mode)',
} as const;
export type UrlProblemKind = keyof typeof URL_PROBLEMS;

/**
 * Checks an endpoint URL at creation (and again before every delivery, since a project may
 * leave development mode): absolute https (http only in development mode), no credentials
 * or fragment, and — outside development mode — no IP literal or `localhost` name that is
 * not public. Host names are resolved and checked at delivery time. Returns a sentence
 * naming the problem, or undefined.
 */
export function urlProblem(raw: string, developmentMode: boolean): UrlProblem | undefined {
  const kind = urlProblemKind(raw, developmentMode);
  return kind && URL_PROBLEMS[kind];
}

export function urlProblemKind(raw: string, developmentMode: boolean): UrlProblemKind | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not_absolute';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'not_absolute';
  if (url.protocol === 'http:' && !developmentMode) return 'http_outside_development';
  if (url.username || url.password) return 'credentials';
  if (url.hash || raw.includes('#')) return 'fragment';
  if (!developmentMode) {
    const host = hostOf(url);
    if (isIP(host) !== 0 && !isPublicAddress(host)) return 'private_address';
    if (host === 'localhost' || host.endsWith('.localhost')) return 'localhost';
  }
  return undefined;
}

/** The URL's host without IPv6 brackets or a trailing dot. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
}
