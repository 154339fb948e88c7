// Keep-alive http/https agents that connect only where a TargetPolicy allows: the address of
// every new connection is checked after DNS (a `lookup` that refuses when any address a name
// resolves to is not allowed) or, for a literal address, before connecting. A name that
// resolved to a public address when a subscription was stored and to 169.254.169.254 today is
// refused today. Pooled sockets were checked when they connected.
import dns, { type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { refusal, TargetRefusedError, urlRefusal, hostOf, portOfUrl, type TargetPolicy } from './targets';

export interface GuardedAgents {
  'http:': http.Agent;
  'https:': https.Agent;
}

/** A dns.lookup that answers only with addresses the policy allows for `host:port` (else a TargetRefusedError). */
export function guardedLookup(policy: TargetPolicy, port: number): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 4);
      const host = hostname.toLowerCase().replace(/\.$/u, '');
      for (const found of addresses) {
        const why = refusal(policy, { host, address: found.address, port });
        if (why) return callback(new TargetRefusedError(`not connecting to ${host}: ${why}`), '', 4);
      }
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' }), '', 4);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      return callback(null, first.address, first.family);
    });
  };
}

type ConnectOptions = { host?: string | null; hostname?: string | null; port?: number | string | null };

/** Refuse a literal address before connecting (net skips `lookup` for one); null when it may go ahead. */
function literalRefusal(policy: TargetPolicy, options: ConnectOptions, defaultPort: number): TargetRefusedError | null {
  const host = (options.host ?? options.hostname ?? 'localhost').replace(/^\[|\]$/gu, '');
  if (isIP(host) === 0) return null;
  const why = refusal(policy, { host, address: host, port: Number(options.port ?? defaultPort) });
  return why ? new TargetRefusedError(`not connecting to ${host}: ${why}`) : null;
}

/** A socket that fails at once with `error` (what a refused connection looks like to a request). */
function failedSocket(error: Error): Duplex {
  const socket = new Socket();
  process.nextTick(() => socket.destroy(error));
  return socket;
}

class GuardedHttpAgent extends http.Agent {
  constructor(private readonly policy: TargetPolicy, options: http.AgentOptions) {
    super(options);
  }
  override createConnection(options: http.ClientRequestArgs, callback?: (error: Error | null, socket: Duplex) => void): Duplex {
    const refused = literalRefusal(this.policy, options, 80);
    if (refused) return failedSocket(refused);
    const port = Number(options.port ?? 80);
    // @ts-expect-error -- http.Agent's createConnection exists at run time (net.createConnection); its typings omit it.
    return super.createConnection({ ...options, lookup: guardedLookup(this.policy, port) }, callback);
  }
}

class GuardedHttpsAgent extends https.Agent {
  constructor(private readonly policy: TargetPolicy, options: https.AgentOptions) {
    super(options);
  }
  override createConnection(options: http.ClientRequestArgs, callback?: (error: Error | null, socket: Duplex) => void): Duplex {
    const refused = literalRefusal(this.policy, options, 443);
    if (refused) return failedSocket(refused);
    const port = Number(options.port ?? 443);
    // @ts-expect-error -- https.Agent's createConnection exists at run time (tls.connect); its typings omit it.
    return super.createConnection({ ...options, lookup: guardedLookup(this.policy, port) }, callback);
  }
}

/** One pair of keep-alive agents per policy (create once, reuse for every request). */
export function createGuardedAgents(policy: TargetPolicy, options: http.AgentOptions = { keepAlive: true, maxSockets: 64 }): GuardedAgents {
  return { 'http:': new GuardedHttpAgent(policy, options), 'https:': new GuardedHttpsAgent(policy, options) };
}

/**
 * Check a URL as far as can be told now: the literal or metadata host, then every address its
 * name resolves to (when it resolves: an unresolvable name is left to the check when
 * connecting). Returns why it is refused, or null.
 */
export async function checkTargetNow(policy: TargetPolicy, url: URL, lookup: typeof dns.promises.lookup = dns.promises.lookup): Promise<string | null> {
  const early = urlRefusal(policy, url);
  if (early) return early;
  const host = hostOf(url);
  if (isIP(host) !== 0 || host === 'localhost' || host.endsWith('.localhost')) return null;
  let addresses: LookupAddress[];
  try {
    addresses = await lookup(host, { all: true });
  } catch {
    return null;
  }
  for (const found of addresses) {
    const why = refusal(policy, { host, address: found.address, port: portOfUrl(url) });
    if (why) return why;
  }
  return null;
}
