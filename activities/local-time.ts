// Wall-clock arithmetic in IANA time zones with Intl only: offsets, DST gaps and overlaps.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let found = formatters.get(zone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, found);
  }
  return found;
}

/** True when `zone` is an IANA time zone this runtime knows (e.g. Europe/Rome). */
export function isValidTimeZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone.trim() === '') return false;
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

function wallClock(instant: number, zone: string): WallClock & { second: number } {
  const parts: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return { year: parts.year ?? 0, month: parts.month ?? 1, day: parts.day ?? 1, hour: parts.hour ?? 0, minute: parts.minute ?? 0, second: parts.second ?? 0 };
}

/** Offset of `zone` from UTC at `instant`, in ms (east positive). */
function offsetAt(instant: number, zone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  const w = wallClock(whole, zone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - whole;
}

const DAY = 86_400_000;

/**
 * Every instant at which `zone`'s clock shows `wall` (two in a DST overlap, earlier first).
 * A wall time inside a DST gap does not exist: it maps to the instant the gap's length later
 * (02:30 on a spring-forward night becomes 03:30), as Temporal's "compatible" rule does.
 */
export function instantsAtWallClock(wall: WallClock, zone: string): number[] {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const offsets = new Set([offsetAt(asUtc - DAY, zone), offsetAt(asUtc + DAY, zone), offsetAt(asUtc, zone)]);
  const found = [...offsets].map((offset) => asUtc - offset).filter((instant) => offsetAt(instant, zone) === asUtc - instant);
  if (found.length > 0) return [...new Set(found)].sort((a, b) => a - b);
  return [asUtc - offsetAt(asUtc - DAY, zone)];
}

/** The first instant strictly after `after` when `zone`'s clock reads `hour:minute`. */
export function nextWallClockTime(after: number, hour: number, minute: number, zone: string): number {
  const today = wallClock(after, zone);
  for (let days = 0; days <= 3; days++) {
    // Date.UTC normalises day overflow (Jan 32 → Feb 1).
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + days));
    const wall = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour, minute };
    const next = instantsAtWallClock(wall, zone).find((instant) => instant > after);
    if (next !== undefined) return next;
  }
  throw new Error(`no ${hour}:${minute} found in ${zone} within 3 days after ${new Date(after).toISOString()}`);
}
