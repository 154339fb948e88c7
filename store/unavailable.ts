// Telling "the database cannot be reached right now" apart from a failing statement.

/** Node socket errors and PostgreSQL SQLSTATEs (class 08 connection exception, 57P0x shutdown) that mean the server is not there. */
const CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);

/** True when `error` (or a cause) says the database server was unreachable, shutting down or dropped the connection. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const code = 'code' in e ? e.code : undefined;
    if (typeof code === 'string' && CODES.has(code)) return true;
    if (e instanceof AggregateError && e.errors.some(isDatabaseUnavailable)) return true;
    if (/Connection terminated|connection timeout|the database system is (starting up|shutting down)/i.test(e.message)) return true;
  }
  return false;
}
