import { BuiltinToolError } from '../shared/builtin-tool-error.js';
import { type HostAllowlist, isHostAllowed, withoutTrailingDot } from './host-allowlist.js';
import {
  type AddressCategory,
  classifyAddress,
  classifyHostname,
  isIpLiteral,
  isRefused,
} from './ip-address.js';

/** A resolved address, as `dns.lookup(host, { all: true })` gives it. */
export interface ResolvedAddress {
  /** The IP address. */
  address: string;
  /** 4 or 6. */
  family: number;
}

/** Resolves a host name to all its addresses. */
export type LookupAll = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** What {@link checkUrl} enforces. */
export interface UrlPolicy {
  /** The hosts that may be fetched. */
  allowlist: HostAllowlist;
  /** Whether non-public addresses are allowed (cloud metadata never is). */
  allowPrivate: boolean;
  /** The resolver. */
  lookup: LookupAll;
  /** The tool's name, for errors. */
  toolName: string;
}

const REFUSED_KINDS =
  'private, loopback, link-local, unspecified, multicast, reserved and cloud-metadata addresses are refused';

/** Builds the `blocked_url` error for a refused address. */
export function refusedAddress(
  url: URL,
  what: string,
  category: AddressCategory,
  toolName: string | undefined,
): BuiltinToolError {
  const why =
    category === 'cloud-metadata'
      ? 'a cloud metadata endpoint, which is always refused'
      : `a ${category} address; ${REFUSED_KINDS}`;
  return new BuiltinToolError(
    `Refused to fetch ${url.origin}: ${what} is ${why}. Fetch a public URL instead.`,
    { code: 'blocked_url', toolName, url: url.origin },
  );
}

/** Rejects with the abort reason as soon as `signal` aborts. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Checks one URL before it is fetched (the first one and every redirect target): http(s) only,
 * no credentials, host on the allowlist, and the host, or every address it resolves to, public
 * (unless `allowPrivate`; cloud metadata always refused).
 *
 * @returns The addresses the host resolved to (empty for an IP literal).
 * @throws BuiltinToolError `blocked_url`, or `network_error` when the name does not resolve.
 */
export async function checkUrl(
  url: URL,
  policy: UrlPolicy,
  signal: AbortSignal,
): Promise<readonly ResolvedAddress[]> {
  const { toolName } = policy;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BuiltinToolError(
      `Refused to fetch "${url.protocol}" URLs: only http and https are fetched.`,
      { code: 'blocked_url', toolName },
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new BuiltinToolError(
      `Refused to fetch ${url.origin}: URLs with credentials (user:password@) are not fetched. Remove them.`,
      { code: 'blocked_url', toolName, url: url.origin },
    );
  }
  const host = withoutTrailingDot(url.hostname);
  if (!isHostAllowed(policy.allowlist, host)) {
    throw new BuiltinToolError(
      `Refused to fetch ${url.origin}: the host "${host}" is not on the allowlist (${policy.allowlist.entries.join(', ')}). Fetch a URL on one of these hosts.`,
      { code: 'blocked_url', toolName, url: url.origin },
    );
  }
  if (isIpLiteral(host)) {
    const category = classifyAddress(host);
    if (category !== undefined && isRefused(category, policy.allowPrivate)) {
      throw refusedAddress(url, `the address ${host}`, category, toolName);
    }
    return [];
  }
  const named = classifyHostname(host);
  if (named !== undefined && isRefused(named, policy.allowPrivate)) {
    throw refusedAddress(url, `the host "${host}"`, named, toolName);
  }
  let addresses: readonly ResolvedAddress[];
  try {
    addresses = await raceAbort(policy.lookup(host), signal);
  } catch (error) {
    if (signal.aborted) throw error;
    const code = (error as { code?: unknown }).code;
    throw new BuiltinToolError(
      `Could not resolve the host "${host}"${typeof code === 'string' ? ` (${code})` : ''}. Check the URL.`,
      { code: 'network_error', toolName, url: url.origin, cause: error },
    );
  }
  if (addresses.length === 0) {
    throw new BuiltinToolError(`The host "${host}" resolved to no address. Check the URL.`, {
      code: 'network_error',
      toolName,
      url: url.origin,
    });
  }
  for (const { address } of addresses) {
    const category = classifyAddress(address);
    if (category !== undefined && isRefused(category, policy.allowPrivate)) {
      throw refusedAddress(url, `"${host}" resolves to ${address}, which`, category, toolName);
    }
  }
  return addresses;
}
