import { isIPv4, isIPv6 } from 'node:net';

/**
 * Why an address is not a public internet address.
 *
 * `cloud-metadata` is refused even when private addresses are allowed: nothing a model asks for
 * should reach the credentials a cloud instance serves there.
 */
export type AddressCategory =
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unspecified'
  | 'cloud-metadata'
  | 'multicast'
  | 'reserved';

/**
 * Cloud metadata and credential endpoints by IPv4 address: the instance metadata service of
 * AWS/GCP/Azure/OCI, Alibaba, Oracle Cloud Classic, and the container credential endpoints of
 * ECS task roles (169.254.170.2) and the EKS pod identity agent (169.254.170.23).
 */
const METADATA_IPV4 = new Set([
  '169.254.169.254',
  '100.100.100.200',
  '192.0.0.192',
  '169.254.170.2',
  '169.254.170.23',
]);
/**
 * The same over IPv6, as their eight groups in hex: AWS IMDS (fd00:ec2::254) and the EKS pod
 * identity agent (fd00:ec2::23).
 */
const METADATA_IPV6 = new Set(['fd00:ec2:0:0:0:0:0:254', 'fd00:ec2:0:0:0:0:0:23']);
/**
 * Where the IPv4 address sits, as byte offsets, in an address of the NAT64 local-use prefix
 * 64:ff9b:1::/48 (RFC 8215), for each prefix length a network may carve from it (RFC 6052:
 * /48, /56 and /64 skip byte 8; /96 is the last four bytes).
 */
const LOCAL_NAT64_EMBEDDINGS: readonly (readonly [number, number, number, number])[] = [
  [6, 7, 9, 10],
  [7, 9, 10, 11],
  [9, 10, 11, 12],
  [12, 13, 14, 15],
];
/** Host names of metadata services (GCP, AWS legacy). */
const METADATA_NAMES = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
]);

/** Parses a dotted-quad IPv4 address into its four bytes. */
function parseIPv4(text: string): [number, number, number, number] | undefined {
  if (!isIPv4(text)) return undefined;
  const parts = text.split('.').map(Number);
  return parts.length === 4 ? (parts as [number, number, number, number]) : undefined;
}

/**
 * Removes an IPv6 zone (`%eth0`): from the first `%` after the last line break to the end, as
 * `text.replace(/%.*$/, '')` does, but in one scan (that pattern retries from every `%`).
 */
function withoutZone(text: string): string {
  let start = text.length;
  while (start > 0) {
    const code = text.charCodeAt(start - 1);
    if (code === 0x0a || code === 0x0d || code === 0x2028 || code === 0x2029) break;
    start -= 1;
  }
  const at = text.indexOf('%', start);
  return at === -1 ? text : text.slice(0, at);
}

/** Parses an IPv6 address (zone removed, an IPv4 tail allowed) into its eight 16-bit groups. */
function parseIPv6(text: string): number[] | undefined {
  const address = withoutZone(text);
  if (!isIPv6(address)) return undefined;
  let body = address;
  const tail = body.slice(body.lastIndexOf(':') + 1);
  if (tail.includes('.')) {
    const v4 = parseIPv4(tail);
    if (v4 === undefined) return undefined;
    body = `${body.slice(0, body.length - tail.length)}${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`;
  }
  const [head = '', rest] = body.split('::');
  const toGroups = (part: string): number[] =>
    part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16));
  const first = toGroups(head);
  const last = rest === undefined ? [] : toGroups(rest);
  const zeros = 8 - first.length - last.length;
  if (zeros < 0 || (rest === undefined && zeros !== 0)) return undefined;
  return [...first, ...new Array<number>(zeros).fill(0), ...last];
}

/** Classifies an IPv4 address given as bytes; `undefined` means public. */
function classifyV4([a, b, c, d]: [number, number, number, number]): AddressCategory | undefined {
  if (METADATA_IPV4.has(`${a}.${b}.${c}.${d}`)) return 'cloud-metadata';
  if (a === 0) return 'unspecified';
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 100 && b >= 64 && b <= 127) return 'private'; // Carrier-grade NAT, shared space.
  if (a === 169 && b === 254) return 'link-local';
  if (a >= 224 && a <= 239) return 'multicast';
  if (a >= 240) return 'reserved'; // Includes 255.255.255.255.
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return 'reserved';
  if ((a === 198 && (b === 18 || b === 19)) || (a === 198 && b === 51 && c === 100))
    return 'reserved';
  if (a === 203 && b === 0 && c === 113) return 'reserved';
  return undefined;
}

/** The IPv4 address held in two 16-bit groups. */
const v4From = (high: number, low: number): [number, number, number, number] => [
  high >> 8,
  high & 0xff,
  low >> 8,
  low & 0xff,
];

/**
 * Classifies an address of the NAT64 local-use prefix: a non-public address, and a cloud
 * metadata one when any of the places an IPv4 address may sit holds a metadata address. The
 * prefix length a network uses cannot be known from the address, so each is tried.
 */
function classifyLocalNat64(groups: readonly number[]): AddressCategory {
  const bytes = groups.flatMap((group) => [group >> 8, group & 0xff]);
  for (const [a, b, c, d] of LOCAL_NAT64_EMBEDDINGS) {
    const v4: [number, number, number, number] = [
      bytes[a] ?? 0,
      bytes[b] ?? 0,
      bytes[c] ?? 0,
      bytes[d] ?? 0,
    ];
    if (classifyV4(v4) === 'cloud-metadata') return 'cloud-metadata';
  }
  return 'private';
}

/** Classifies an IPv6 address given as groups; `undefined` means public. */
function classifyV6(g: number[]): AddressCategory | undefined {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const upperZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0;
  if (upperZero && g4 === 0 && g5 === 0 && g6 === 0) {
    if (g7 === 0) return 'unspecified';
    if (g7 === 1) return 'loopback';
  }
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d) and the deprecated
  // IPv4-compatible (::a.b.c.d) forms reach the embedded IPv4 address.
  if (upperZero && ((g4 === 0 && (g5 === 0xffff || g5 === 0)) || (g4 === 0xffff && g5 === 0))) {
    return classifyV4(v4From(g6, g7)) ?? (g5 === 0xffff ? undefined : 'reserved');
  }
  if (g0 === 0x64 && g1 === 0xff9b) {
    // NAT64: the well-known prefix embeds a routable IPv4 address; 64:ff9b:1::/48 is local use.
    if (g2 === 1) return classifyLocalNat64(g);
    return classifyV4(v4From(g6, g7));
  }
  if (g0 === 0x2002) return classifyV4(v4From(g1, g2)); // 6to4 embeds the IPv4 address.
  if (METADATA_IPV6.has(g.map((group) => group.toString(16)).join(':'))) return 'cloud-metadata';
  if ((g0 & 0xfe00) === 0xfc00) return 'private'; // Unique local fc00::/7.
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((g0 & 0xffc0) === 0xfec0) return 'private'; // Deprecated site-local.
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  if (g0 === 0x2001 && (g1 === 0 || g1 === 0xdb8)) return 'reserved'; // Teredo, documentation.
  if (g0 === 0x100 && g1 === 0 && g2 === 0 && g3 === 0) return 'reserved'; // Discard prefix.
  if (upperZero && g4 === 0 && g5 === 0) return 'reserved';
  return undefined;
}

/**
 * Whether a text is an IP address literal (IPv4, or IPv6 with or without brackets and zone).
 */
export function isIpLiteral(host: string): boolean {
  const bare = withoutZone(host.replace(/^\[(.*)\]$/, '$1'));
  return isIPv4(bare) || isIPv6(bare);
}

/**
 * Classifies an IP address: `undefined` for a public address, otherwise why it is not one.
 * IPv4 addresses embedded in IPv6 (mapped, compatible, NAT64, 6to4) are classified by the IPv4
 * address they reach. A text that is not an IP address is `'reserved'` (never trusted).
 *
 * @param address - An IPv4 or IPv6 address, IPv6 possibly in brackets or with a zone.
 */
export function classifyAddress(address: string): AddressCategory | undefined {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  const v4 = parseIPv4(bare);
  if (v4 !== undefined) return classifyV4(v4);
  const v6 = parseIPv6(bare);
  if (v6 !== undefined) return classifyV6(v6);
  return 'reserved';
}

/**
 * Classifies a host name before any DNS lookup: `localhost` and `*.localhost` are loopback
 * (RFC 6761), the metadata service names are `cloud-metadata`; other names are `undefined`
 * (they are checked by the addresses they resolve to).
 *
 * @param hostname - A lower-case host name without a trailing dot.
 */
export function classifyHostname(hostname: string): AddressCategory | undefined {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return 'loopback';
  if (METADATA_NAMES.has(hostname)) return 'cloud-metadata';
  return undefined;
}

/**
 * Whether an address category is refused.
 *
 * @param category - From {@link classifyAddress} or {@link classifyHostname}.
 * @param allowPrivate - Whether private, loopback, link-local and other non-public addresses are
 *   allowed; cloud metadata never is.
 */
export function isRefused(category: AddressCategory | undefined, allowPrivate: boolean): boolean {
  if (category === undefined) return false;
  return category === 'cloud-metadata' || !allowPrivate;
}
