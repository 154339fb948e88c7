// How long a rendered message may be on each channel, and why; one check the send decision
// path applies to every channel after rendering. Too long → `skipped:too_long`, never truncated:
// a cut subject or a half-sent SMS says something the template's author did not write.
import type { Channel } from '../dsl/schema';
import { countSmsSegments } from './sms-segments';

/**
 * Longest email subject, in characters. RFC 5322 allows 998 characters per header line (folded
 * headers longer still), but mail clients show 40–130 and some providers and spam filters
 * refuse or score subjects past 255; a longer one is a template or data bug (a pasted body, a
 * trait holding a paragraph).
 */
export const EMAIL_SUBJECT_MAX_CHARS = 255;

/**
 * Most SMS parts one message may cost. Carriers concatenate up to 255 parts in theory, Twilio
 * refuses bodies over 1600 characters, and a message past 10 parts (1530 GSM-7 or 670 UCS-2
 * characters) bills ten times and arrives out of order on some handsets: a runaway trait.
 */
export const SMS_MAX_SEGMENTS = 10;

/** Longest push title, in characters: Chrome, Firefox and macOS cut titles well before this; past it the notification is unreadable. */
export const PUSH_TITLE_MAX_CHARS = 120;

/** Largest push payload: the 4096 bytes every push service accepts (RFC 8030 §7.2) less aes128gcm's 103 bytes of header, padding and tag. */
export const MAX_PUSH_PAYLOAD_BYTES = 3993;

const chars = (text: string) => Array.from(text).length;
const text = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * Why the rendered `content` (what the channel's render returned) cannot go out on `channel`, as a
 * sentence naming the part, its size, the limit and the fix; null when it fits.
 */
export function sizeProblem(channel: Channel, content: Record<string, unknown>, template: string): string | null {
  const file = `templates/${template}.hbs`;
  switch (channel) {
    case 'email': {
      const size = chars(text(content.subject));
      return size > EMAIL_SUBJECT_MAX_CHARS
        ? `The rendered email.subject has ${size} characters; the limit is ${EMAIL_SUBJECT_MAX_CHARS}. Shorten it in ${file} (or the traits and properties it prints); nothing was sent.`
        : null;
    }
    case 'sms': {
      const body = text(content.text);
      const { segments, encoding, units } = countSmsSegments(body);
      if (segments <= SMS_MAX_SEGMENTS) return null;
      const hint = encoding === 'UCS-2' ? ' One character outside the GSM-7 alphabet (an emoji, a curly quote) makes every part UCS-2, 67 characters each.' : '';
      return `The rendered sms.text is ${segments} ${encoding} segments (${chars(body)} characters, ${units} ${encoding === 'GSM-7' ? 'septets' : 'UTF-16 units'}); the limit is ${SMS_MAX_SEGMENTS}.${hint} Shorten it in ${file}; nothing was sent.`;
    }
    case 'push': {
      const size = chars(text(content.title));
      if (size > PUSH_TITLE_MAX_CHARS) {
        return `The rendered push.title has ${size} characters; the limit is ${PUSH_TITLE_MAX_CHARS}. Shorten it in ${file}; nothing was sent.`;
      }
      const bytes = Buffer.byteLength(JSON.stringify(content));
      return bytes > MAX_PUSH_PAYLOAD_BYTES
        ? `The rendered push payload is ${bytes} bytes; push services accept ${MAX_PUSH_PAYLOAD_BYTES} (4096 less encryption overhead). Shorten push.title, push.body or push.url in ${file}; nothing was sent.`
        : null;
    }
  }
}
