// Which network addresses Touchpoint may send to on a customer's or a journey's behalf (push
// services, webhook receivers): public unicast addresses only, unless the operator names an
// internal target explicitly. Loopback, private, link-local, unique-local, carrier-grade NAT and
// other special ranges are refused; cloud metadata services always are, allowed or not.
// Address classification is ipaddr.js's (IANA special-purpose registries), not ours.
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** One entry of an allow-list: a network (any port), or an address or host name with an optional port. */
export type AllowedTarget =
  | { kind: 'cidr'; range: [Address, number]; text: string }
  | { kind: 'address'; address: Address; port: number | null; text: string }
  | { kind: 'host'; host: string; port: number | null; text: string };

/** What the operator allowed beyond public addresses, and the setting that says so (for messages). */
export interface TargetPolicy {
  allowed: readonly AllowedTarget[];
  /** The environment variable or option holding the allow-list, named in every refusal. */
  setting: string;
}

/** Public addresses only: the production default. */
export const publicOnly = (setting: string): TargetPolicy => ({ allowed: [], setting });

/** Addresses of cloud metadata services (AWS, GCP, Azure, Oracle, OpenStack; ECS task metadata; Alibaba; Azure's wire server). */
const METADATA_ADDRESSES = ['169.254.169.254', '169.254.170.2', '169.254.169.253', 'fd00:ec2::254', '100.100.100.200', '168.63.129.16'].map((text) => ipaddr.parse(text));
/** Names that reach a metadata service from inside a cloud. */
const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal', 'metadata.azure.internal']);

/** ipaddr.js range names as people say them. */
const RANGE_WORDS: Record<string, string> = {
  loopback: 'a loopback address',
  private: 'a private address',
  linkLocal: 'a link-local address',
  uniqueLocal: 'a unique-local address',
  carrierGradeNat: 'a carrier-grade NAT address',
  unspecified: 'the unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved address',
};

export class TargetRefusedError extends Error {
  override readonly name = 'TargetRefusedError';
  readonly code = 'ETARGETREFUSED';
}

/** Parse an allow-list ("127.0.0.1:8080, 10.0.0.0/8, [::1]:4000, crm.internal:443"); a bad entry throws naming the setting and the entry. */
export function parseAllowedTargets(text: string | undefined, setting: string): TargetPolicy {
  const allowed: AllowedTarget[] = [];
  for (const raw of (text ?? '').split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    allowed.push(parseEntry(entry, setting));
  }
  return { allowed, setting };
}

function parseEntry(entry: string, setting: string): AllowedTarget {
  const bad = (why: string) =>
    new Error(`${setting}: "${entry}" ${why}. Write a comma-separated list of networks (10.0.0.0/8, fd00::/8), addresses with an optional port (127.0.0.1:8080, [::1]:8080) or host names with an optional port (crm.internal:443).`);
  if (entry.includes('/')) {
    if (!ipaddr.isValidCIDR(entry)) throw bad('is not a network in CIDR form');
    return { kind: 'cidr', range: ipaddr.parseCIDR(entry), text: entry };
  }
  if (ipaddr.isValid(entry) && isIP(entry) !== 0) return { kind: 'address', address: ipaddr.parse(entry), port: null, text: entry };
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/u.exec(entry);
  if (bracketed) {
    const [, address = '', port] = bracketed;
    if (isIP(address) !== 6) throw bad('is not an IPv6 address in brackets');
    return { kind: 'address', address: ipaddr.parse(address), port: port === undefined ? null : portOf(port, bad), text: entry };
  }
  const hostPort = /^([^:]+)(?::(\d+))?$/u.exec(entry);
  if (!hostPort) throw bad('is not an address, a network or a host name');
  const [, host = '', port] = hostPort;
  const portNumber = port === undefined ? null : portOf(port, bad);
  if (isIP(host) === 4) return { kind: 'address', address: ipaddr.parse(host), port: portNumber, text: entry };
  if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/iu.test(host)) throw bad('is not a host name');
  return { kind: 'host', host: host.toLowerCase(), port: portNumber, text: entry };
}

function portOf(text: string, bad: (why: string) => Error): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad('has a port outside 1-65535');
  return port;
}

/** Why an address is not public (e.g. "a loopback address"), or null when it is a public unicast address. */
export function addressClass(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  const parsed = ipaddr.process(address);
  if (isMetadata(parsed)) return 'a cloud metadata address';
  const range = parsed.range();
  if (range === 'unicast') return null;
  return RANGE_WORDS[range] ?? `a special-purpose address (${range})`;
}

function isMetadata(address: Address): boolean {
  return METADATA_ADDRESSES.some((m) => m.kind() === address.kind() && m.toNormalizedString() === address.toNormalizedString());
}

/** The host of a URL without IPv6 brackets, lower case and without a trailing dot. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/gu, '').replace(/\.$/u, '').toLowerCase();
}

export function portOfUrl(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/** Whether the allow-list names this target: `host` as written in the URL, `address` as it resolved (or the literal). */
export function isAllowed(policy: TargetPolicy, target: { host: string; address: string | null; port: number }): boolean {
  const address = target.address !== null && ipaddr.isValid(target.address) ? ipaddr.process(target.address) : null;
  return policy.allowed.some((entry) => {
    if (entry.kind === 'host') return entry.host === target.host && (entry.port === null || entry.port === target.port);
    if (!address) return false;
    if (entry.kind === 'address') {
      const wanted = entry.address.kind() === 'ipv6' && (entry.address as ipaddr.IPv6).isIPv4MappedAddress() ? (entry.address as ipaddr.IPv6).toIPv4Address() : entry.address;
      return wanted.kind() === address.kind() && wanted.toNormalizedString() === address.toNormalizedString() && (entry.port === null || entry.port === target.port);
    }
    const [network, bits] = entry.range;
    return network.kind() === address.kind() && address.match(network, bits);
  });
}

/**
 * Why the connection to `address` (resolved from `host`) is refused, or null when it may go
 * ahead: a public address, or a non-public one the allow-list names. Metadata services never.
 */
export function refusal(policy: TargetPolicy, target: { host: string; address: string; port: number }): string | null {
  const why = addressClass(target.address);
  if (why === null) return null;
  const shown = target.host === target.address ? target.address : `${target.host} (${target.address})`;
  if (why === 'a cloud metadata address') return `${shown} is ${why}; Touchpoint never connects to one`;
  if (isAllowed(policy, target)) return null;
  return `${shown} is ${why}; only public addresses are reached unless ${policy.setting} names the target (e.g. ${policy.setting}=${suggestion(target)})`;
}

/**
 * What can be told from the URL alone (before any DNS): refused metadata host names, and a
 * literal address's class. Null when nothing is wrong yet (a name still has to resolve to
 * allowed addresses, checked when connecting).
 */
export function urlRefusal(policy: TargetPolicy, url: URL): string | null {
  const host = hostOf(url);
  const port = portOfUrl(url);
  if (METADATA_HOSTS.has(host)) return `${host} is a cloud metadata service; Touchpoint never connects to one`;
  if (isIP(host) !== 0) return refusal(policy, { host, address: host, port });
  if (host === 'localhost' || host.endsWith('.localhost')) {
    if (isNamedTarget(policy, url)) return null;
    return `${host} is a loopback address; only public addresses are reached unless ${policy.setting} names the target (e.g. ${policy.setting}=${host}:${port})`;
  }
  return null;
}

/** Whether the allow-list names the URL's host (as written, or its literal address; localhost as 127.0.0.1 or ::1). */
export function isNamedTarget(policy: TargetPolicy, url: URL): boolean {
  const host = hostOf(url);
  const port = portOfUrl(url);
  if (isIP(host) !== 0) return isAllowed(policy, { host, address: host, port });
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return [null, '127.0.0.1', '::1'].some((address) => isAllowed(policy, { host, address, port }));
  }
  return isAllowed(policy, { host, address: null, port });
}

function suggestion(target: { host: string; address: string; port: number }): string {
  if (target.host !== target.address) return `${target.host}:${target.port}`;
  return isIP(target.address) === 6 ? `[${target.address}]:${target.port}` : `${target.address}:${target.port}`;
}
