// Opens and clicks reach the message log through the event path: a new email.opened,
// email.clicked or push.clicked event with properties.message_key counts once (a retried
// messageId does not), and a privacy-proxy open is counted apart.
import { Client } from '@temporalio/client';
import { ingest } from '../../api/ingest';
import { createRouter, type Router } from '../../routing';
import type { LoggedEventInput, Store } from '../../store/types';
import { createTestStore, STORE_KINDS, type TestStore } from '../support/db';

describe.each(STORE_KINDS)('engagement from tracking events on %s', (kind) => {
  let testStore: TestStore;
  let store: Store;
  let router: Router;
  beforeAll(async () => {
    testStore = await createTestStore(kind);
    store = testStore.store;
    // No journey listens to tracking events here, so routing never needs the (lazy) Temporal connection.
    router = createRouter({ client: new Client(), store, journeys: [], taskQueue: 'engagement-test' });
    await store.claimMessage({
      messageKey: 'mk-1', workflowId: 'wf', runId: 'run', journeyId: 'post-purchase', journeyVersion: 'v1', stepId: 'thank-you',
      customerId: 'ada', channel: 'email', template: 'order-thanks', templateVersion: 'h', address: null,
    });
  });
  afterAll(() => testStore?.dispose());

  const track = (messageId: string, event: string, properties: Record<string, unknown>, timestamp: string): LoggedEventInput => ({
    messageId, type: 'track', customerId: 'ada', event, properties, traits: {}, timestamp,
  });

  test('each new tracking event counts once; a repeated messageId and events of unknown or missing keys count nothing', async () => {
    const send = (e: LoggedEventInput) => ingest({ store, router }, e);
    await send(track(`${kind}-o1`, 'email.opened', { message_key: 'mk-1', privacy_proxy: true }, '2030-01-01T08:00:00.000Z'));
    await send(track(`${kind}-o2`, 'email.opened', { message_key: 'mk-1', privacy_proxy: false }, '2030-01-01T10:00:00.000Z'));
    expect((await send(track(`${kind}-o2`, 'email.opened', { message_key: 'mk-1', privacy_proxy: false }, '2030-01-01T10:00:00.000Z'))).duplicate).toBe(true);
    await send(track(`${kind}-c1`, 'email.clicked', { message_key: 'mk-1', url: 'https://shop.example', link_index: 0 }, '2030-01-01T10:01:00.000Z'));
    await send(track(`${kind}-p1`, 'push.clicked', { message_key: 'mk-1' }, '2030-01-01T11:00:00.000Z'));
    await send(track(`${kind}-x1`, 'email.clicked', { message_key: 'no-such-message' }, '2030-01-01T11:00:00.000Z'));
    await send(track(`${kind}-x2`, 'email.opened', {}, '2030-01-01T11:00:00.000Z'));
    await send(track(`${kind}-x3`, 'page.viewed', { message_key: 'mk-1' }, '2030-01-01T11:00:00.000Z'));

    expect((await store.getMessage('mk-1'))?.engagement).toEqual({
      openedAt: '2030-01-01T10:00:00.000Z', clickedAt: '2030-01-01T10:01:00.000Z', openCount: 1, proxiedOpenCount: 1, clickCount: 2,
    });
  });
});
