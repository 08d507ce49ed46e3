import { invalidOption } from '../shared/factory-options.js';

/** A parsed allowlist: exact hosts, wildcard suffixes, or everything. */
export interface HostAllowlist {
  /** `true` when the list holds `'*'`. */
  any: boolean;
  /** Exact host names, canonical form (IPv6 in brackets). */
  exact: ReadonlySet<string>;
  /** Suffixes from `*.example.com` entries, without the `*.`. */
  suffixes: readonly string[];
  /** The entries as given, for messages. */
  entries: readonly string[];
}

/** Removes one trailing dot (`example.com.` → `example.com`). */
export const withoutTrailingDot = (host: string): string =>
  host.endsWith('.') ? host.slice(0, -1) : host;

/**
 * Parses allowlist entries into canonical host names, the form `new URL(...).hostname` has:
 * lower case, punycode for non-ASCII names, IPv4 in dotted-quad, IPv6 in brackets.
 *
 * @param factory - The factory name, for errors.
 * @param allow - Entries: `example.com`, `*.example.com` (any subdomain, not the domain
 *   itself), an IP address, or `*` (any host; the address checks still apply).
 * @throws BuiltinToolError `invalid_config` for an empty list or an entry that is not a host.
 */
export function parseAllowlist(factory: string, allow: unknown): HostAllowlist {
  if (!Array.isArray(allow) || allow.length === 0) {
    invalidOption(
      factory,
      'allow',
      'expected allow to be a non-empty array of host names, e.g. ["example.com", "*.wikipedia.org"]. Use ["*"] to allow any public host.',
    );
  }
  const exact = new Set<string>();
  const suffixes: string[] = [];
  let any = false;
  for (const entry of allow) {
    if (typeof entry !== 'string' || entry.trim() === '') {
      invalidOption(
        factory,
        'allow',
        `expected every allow entry to be a host name, received ${JSON.stringify(entry)}.`,
      );
    }
    const text = entry.trim();
    if (text === '*') {
      any = true;
      continue;
    }
    const wildcard = text.startsWith('*.');
    const body = wildcard ? text.slice(2) : text;
    const bracketed = body.includes(':') && !body.startsWith('[') ? `[${body}]` : body;
    let url: URL | undefined;
    try {
      url = /[/?#@]/.test(body) ? undefined : new URL(`http://${bracketed}`);
    } catch {
      url = undefined;
    }
    if (url === undefined || url.port !== '' || url.hostname === '' || url.hostname.includes('*')) {
      invalidOption(
        factory,
        'allow',
        `the allow entry "${text}" is not a host name. Give bare hosts such as "example.com", "*.example.com" or "203.0.113.7", without scheme, port or path.`,
      );
    }
    const host = withoutTrailingDot(url.hostname);
    if (wildcard) suffixes.push(host);
    else exact.add(host);
  }
  return { any, exact, suffixes, entries: allow as string[] };
}

/**
 * Whether a host is on the allowlist.
 *
 * @param list - The parsed allowlist.
 * @param host - A canonical host name (`URL.hostname`) without a trailing dot.
 */
export function isHostAllowed(list: HostAllowlist, host: string): boolean {
  if (list.any || list.exact.has(host)) return true;
  return list.suffixes.some((suffix) => host.endsWith(`.${suffix}`));
}
