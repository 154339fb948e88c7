// Spots opens fetched by a mail-privacy proxy rather than by a person: such "opens" happen
// whether or not anyone read the message, so reports and branches should prefer clicks.
//
// Heuristic (documented in the README):
// - Gmail fetches images through its proxy: the User-Agent contains "GoogleImageProxy" (via ggpht.com).
// - Yahoo does the same with "YahooMailProxy".
// - Apple Mail Privacy Protection preloads every image at delivery through Apple's relays,
//   which send a bare "Mozilla/5.0" User-Agent and come from Apple's 17.0.0.0/8 network.
// Either Apple sign alone is enough: a real mail client always sends a fuller User-Agent.

const PROXY_AGENTS = ['googleimageproxy', 'ggpht.com', 'yahoomailproxy'];

export interface OpenSource {
  userAgent: string | undefined;
  /** The client address as the server saw it (behind a reverse proxy, set Fastify's trustProxy). */
  ip: string | undefined;
}

export function isPrivacyProxyOpen({ userAgent, ip }: OpenSource): boolean {
  const agent = (userAgent ?? '').trim();
  if (PROXY_AGENTS.some((marker) => agent.toLowerCase().includes(marker))) return true;
  if (agent === 'Mozilla/5.0') return true;
  return ip !== undefined && isAppleNetwork(ip);
}

/** 17.0.0.0/8 (also as an IPv4-mapped IPv6 address). */
function isAppleNetwork(ip: string): boolean {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return /^17\.\d{1,3}\.\d{1,3}\.\d{1,3}$/u.test(v4);
}
