// Traits that are stored as sent but cannot be used as meant, said in one sentence the API
// answer, the inspector's customer page and run page all show: today a `timezone` that is not
// an IANA zone ("Rome"), which every local time (quiet hours, waits until a local time,
// {{date}} and {{time}}) replaces with the configured DEFAULT_TIMEZONE.

export interface TraitWarning {
  /** Where in the body or profile, e.g. ["traits", "timezone"]. */
  path: Array<string | number>;
  code: 'invalid_timezone';
  /** What was sent, what is used instead, and how to fix it. */
  message: string;
  /** The zone used instead. */
  used: string;
}

function isZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

let zones: string[] | null = null;

/** "Rome" → "Europe/Rome", "new york" → "America/New_York": the IANA zone whose city is the given name, if exactly one. */
export function suggestTimeZone(name: string): string | null {
  zones ??= Intl.supportedValuesOf('timeZone');
  const wanted = name.trim().replace(/\s+/g, '_').toLowerCase();
  if (wanted === '') return null;
  const found = zones.filter((zone) => zone.toLowerCase() === wanted || zone.toLowerCase().endsWith(`/${wanted}`));
  return found.length === 1 ? found[0]! : null;
}

/** The warnings for `traits` (as stored or as sent); `defaultTimezone` is the zone used instead. */
export function traitWarnings(traits: Record<string, unknown>, defaultTimezone: string, path: Array<string | number> = ['traits']): TraitWarning[] {
  if (!Object.hasOwn(traits, 'timezone')) return [];
  const zone = traits.timezone;
  // Unset (null, "") is no mistake; the zone is checked as sent, as the send decision checks it.
  if (zone === null || zone === '' || (typeof zone === 'string' && isZone(zone))) return [];
  const shown = typeof zone === 'string' ? `"${zone}"` : JSON.stringify(zone) ?? String(zone);
  const suggestion = typeof zone === 'string' ? suggestTimeZone(zone) : null;
  const fix = suggestion ? `send "${suggestion}"` : 'send an IANA name such as "Europe/Rome" or "America/New_York"';
  return [
    {
      path: [...path, 'timezone'],
      code: 'invalid_timezone',
      used: defaultTimezone,
      message:
        `timezone ${shown} is not an IANA time zone, so this customer's local times (quiet hours, waits until a local time, ` +
        `{{date}} and {{time}}) use ${defaultTimezone} (DEFAULT_TIMEZONE) instead; ${fix}.`,
    },
  ];
}
