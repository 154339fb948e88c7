// Phone numbers as the SMS channel and the suppression list keep them: E.164 (`+` and up to 15
// digits) when the written form allows it, the trimmed original otherwise.

const E164 = /^\+[1-9]\d{6,14}$/;

export function isE164(phone: string): boolean {
  return E164.test(phone);
}

/**
 * `+1 (415) 555-0100` → `+14155550100`, `0044 20 7946 0000` → `+442079460000`. A number without
 * a country code cannot be made E.164 here: it comes back trimmed and Twilio decides (21211).
 */
export function normalisePhone(raw: string): string {
  const trimmed = raw.trim();
  const compact = trimmed.replace(/[\s().\-/]/g, '');
  const international = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  return isE164(international) ? international : trimmed;
}
