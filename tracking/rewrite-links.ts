// Rewrites an email's HTML for tracking: every http(s) link href becomes a signed redirect through
// PUBLIC_URL/t/c/<token>, and a 1x1 open pixel goes in before </body>. Pure: no I/O, no clock.
import { signClickToken, signOpenToken } from './tokens';

export interface TrackingTarget {
  /** PUBLIC_URL: the base of the /t/... routes. */
  publicUrl: string;
  /** The HMAC secret the routes verify tokens with. */
  secret: string;
  messageKey: string;
  customerId: string;
  journeyId: string;
  stepId: string;
}

export interface TrackedHtml {
  html: string;
  /** The original URLs, in order of first appearance: a click token holds an index into this list. */
  links: string[];
}

// Links people click (<a>, <area>), never <link> or <base>; quoted href attributes only: what
// templates write, and nothing that could be read two ways.
const ANCHOR = /<(?:a|area)\b[^>]*>/giu;
const HREF = /(\shref\s*=\s*)(["'])(.*?)\2/isu;
const ENTITY = /&(#x[0-9a-f]+|#[0-9]+|amp|quot|apos|lt|gt);/giu;
const NAMED: Record<string, string> = { amp: '&', quot: '"', apos: "'", lt: '<', gt: '>' };

/** The attribute value as the browser reads it (Handlebars escapes `&`, `=`, quotes in URLs). */
export function decodeAttribute(value: string): string {
  return value.replace(ENTITY, (whole, name: string) => {
    const lower = name.toLowerCase();
    if (lower.startsWith('#x')) return safeCodePoint(Number.parseInt(lower.slice(2), 16)) ?? whole;
    if (lower.startsWith('#')) return safeCodePoint(Number.parseInt(lower.slice(1), 10)) ?? whole;
    return NAMED[lower] ?? whole;
  });
}

function safeCodePoint(code: number): string | undefined {
  return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

/** True for an absolute http: or https: URL; mailto:, tel:, #anchors and relative paths stay as they are. */
export function isTrackableUrl(url: string): boolean {
  if (!/^https?:\/\//iu.test(url.trim())) return false;
  try {
    const parsed = new URL(url.trim());
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}

export function trackingPixel(target: TrackingTarget): string {
  const token = signOpenToken(target.secret, { k: target.messageKey, c: target.customerId, j: target.journeyId, s: target.stepId });
  return `<img src="${base(target.publicUrl)}/t/o/${token}.gif" width="1" height="1" alt="">`;
}

/** trackingPixel's tag as it is in a sent message, whatever its address and token. */
const PIXEL_TAG = /<img src="[^"<>]*\/t\/o\/[^"<>/]+\.gif" width="1" height="1" alt="">/gu;

/** The HTML without the open pixel rewriteLinks put in, for previews that must not look like an open. */
export function withoutTrackingPixel(html: string): string {
  return html.replace(PIXEL_TAG, '');
}

export function rewriteLinks(html: string, target: TrackingTarget): TrackedHtml {
  const links: string[] = [];
  const own = `${base(target.publicUrl)}/`;
  const rewritten = html.replace(ANCHOR, (tag) =>
    tag.replace(HREF, (whole, prefix: string, quote: string, raw: string) => {
      const url = decodeAttribute(raw).trim();
      // Our own links (unsubscribe, survey pages) stay direct: they record what they do themselves.
      if (!isTrackableUrl(url) || url.startsWith(own)) return whole;
      let index = links.indexOf(url);
      if (index === -1) index = links.push(url) - 1;
      const token = signClickToken(target.secret, { k: target.messageKey, c: target.customerId, j: target.journeyId, s: target.stepId, i: index });
      return `${prefix}${quote}${base(target.publicUrl)}/t/c/${token}${quote}`;
    }),
  );
  const pixel = trackingPixel(target);
  const close = rewritten.toLowerCase().lastIndexOf('</body>');
  const withPixel = close === -1 ? `${rewritten}${pixel}` : `${rewritten.slice(0, close)}${pixel}${rewritten.slice(close)}`;
  return { html: withPixel, links };
}

function base(publicUrl: string): string {
  return publicUrl.replace(/\/+$/u, '');
}
