// What an inbound text asks for: opt out, opt back in, help, or nothing (an ordinary reply).

export type SmsKeyword = 'opt_out' | 'opt_in' | 'help';

/** Twilio's default opt-out words (plus REVOKE and OPTOUT, which Twilio also honours). */
export const OPT_OUT_WORDS: ReadonlySet<string> = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']);
export const OPT_IN_WORDS: ReadonlySet<string> = new Set(['START', 'UNSTOP', 'YES']);
export const HELP_WORDS: ReadonlySet<string> = new Set(['HELP', 'INFO']);

/**
 * Opt-out when the FIRST word is an opt-out word ("Stop texting me" honours the intent: wrongly
 * stopping costs a message, wrongly sending costs trust). Opt-in and help only when the whole
 * text is the word: "Yes, but not now" must not subscribe anyone.
 */
export function smsKeyword(body: string): { keyword: SmsKeyword; word: string } | null {
  const words = body
    .trim()
    .toUpperCase()
    .split(/\s+/)
    .map((word) => word.replace(/[^\p{L}\p{N}]/gu, ''))
    .filter((word) => word !== '');
  const first = words[0];
  if (first === undefined) return null;
  if (OPT_OUT_WORDS.has(first)) return { keyword: 'opt_out', word: first };
  if (words.length !== 1) return null;
  if (OPT_IN_WORDS.has(first)) return { keyword: 'opt_in', word: first };
  if (HELP_WORDS.has(first)) return { keyword: 'help', word: first };
  return null;
}
