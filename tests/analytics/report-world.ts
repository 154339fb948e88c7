// The report over real HTTP: the API server with the real support routes and SupportService over a
// seeded PGlite (tests/analytics/fixture.ts). Reports never reach Temporal: its client connects lazily
// to a port where nothing listens.
import { Client, Connection } from '@temporalio/client';
import { createApiServer } from '../../api';
import type { ApiKey } from '../../api/auth';
import { supportRoutes } from '../../api/routes/support';
import { createRouter } from '../../routing';
import { createSupportService } from '../../support';
import { listen, type Api } from '../api/http';
import { freePort } from '../support/ports';
import { openAnalyticsDb, type AnalyticsDb } from '../store/analytics-db';
import { seedFeedback, SNAPSHOT } from './fixture';

export const REPORT_KEYS = {
  support: { name: 'desk', role: 'support', key: 'support-key-0123456789abcdef' },
  admin: { name: 'ops', role: 'admin', key: 'admin-key-0123456789abcdef' },
  ingest: { name: 'orders', role: 'ingest', key: 'ingest-key-0123456789abcdef' },
} satisfies Record<string, ApiKey>;

export interface ReportWorld {
  api: Api;
  rdb: AnalyticsDb;
  stop(): Promise<void>;
}

export async function startReportWorld(): Promise<ReportWorld> {
  const rdb = await openAnalyticsDb('pglite');
  await seedFeedback(rdb.db);
  const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
  const client = new Client({ connection });
  const keys = Object.values(REPORT_KEYS);
  const service = createSupportService({ store: rdb.store, client, namespace: 'default', journeys: [SNAPSHOT] });
  const router = createRouter({ client, store: rdb.store, journeys: [SNAPSHOT], taskQueue: 'reports' });
  const api = await listen(
    createApiServer({ store: rdb.store, router, apiKeys: keys, health: async () => ({}), plugins: [supportRoutes({ service, keys })] }),
  );
  return {
    api,
    rdb,
    async stop() {
      await api.close();
      await connection.close();
      await rdb.dispose();
    },
  };
}
