// Inspector sessions ended on the server: signing out records the session id until the cookie
// would have expired anyway, so a copied or replayed cookie is refused afterwards.
import type { Queryable } from './db';

/** The inspector's part of the store: which signed session cookies were signed out. */
export interface InspectorSessionStore {
  /** Record that session `sid` ended at `at`; kept until `expiresAt` (ISO), when its cookie dies anyway. Repeating is harmless. */
  end(sid: string, expiresAt: string, at: string): Promise<void>;
  /** True when session `sid` was signed out. */
  isEnded(sid: string): Promise<boolean>;
}

export class SqlInspectorSessions implements InspectorSessionStore {
  constructor(private readonly db: Queryable) {}

  async end(sid: string, expiresAt: string, at: string): Promise<void> {
    // Rows of sessions that expired by themselves are no longer needed: the cookie's own expiry refuses them.
    await this.db.query('delete from inspector_sessions_ended where expires_at < $1', [at]);
    await this.db.query(
      'insert into inspector_sessions_ended (sid, expires_at, ended_at) values ($1, $2, $3) on conflict (sid) do nothing',
      [sid, expiresAt, at],
    );
  }

  async isEnded(sid: string): Promise<boolean> {
    const rows = await this.db.query<{ sid: string }>('select sid from inspector_sessions_ended where sid = $1', [sid]);
    return rows.length > 0;
  }
}
