// The journey reports in headless Chromium over a demo-seeded PGlite store, the repo's journeys,
// the real SupportService and the inspector: sign in, read the post-purchase report (funnel, NPS
// over time and per score), then go through the journeys page to the win-back A/B test. The numbers
// on the page must be the service's. Screenshots go to test-output/inspector/ (and, with
// UPDATE_SCREENSHOTS=1, docs/screenshots/report*.png for the README).
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from '@temporalio/client';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import type { JourneyReport } from '../../analytics/types';
import { createApiServer } from '../../api';
import { seedDemo } from '../../demo/seed';
import { loadJourneys } from '../../dsl/load';
import type { JourneySnapshot } from '../../dsl/schema';
import { inspectorRoutes } from '../../inspector';
import { pValueText } from '../../inspector/svg';
import { createRouter } from '../../routing';
import { createSupportService } from '../../support';
import type { SupportService } from '../../support/types';
import { API_KEY, listen, type Api } from '../api/http';
import { createTestStore, type TestStore } from '../support/db';

const ROOT = resolve(__dirname, '../..');
const OUTPUT = join(ROOT, 'test-output/inspector');
const SUPPORT_KEY = 'support-key-report-0123456789';

describe('the journey reports in a browser', () => {
  let db: TestStore;
  let api: Api;
  let service: SupportService;
  let browser: Browser;
  let journeys: JourneySnapshot[];

  beforeAll(async () => {
    const loaded = await loadJourneys({ paths: [join(ROOT, 'journeys')], templatesDir: join(ROOT, 'templates'), cwd: ROOT });
    expect(loaded.problems).toEqual([]);
    journeys = loaded.journeys;
    db = await createTestStore('pglite');
    await seedDemo(db.store, { now: new Date(), customers: 150, journeys });
    // Reports read only the store: the client's connection is lazy and never opened here.
    const client = new Client();
    service = createSupportService({ store: db.store, client, namespace: 'default', journeys });
    const router = createRouter({ client, store: db.store, journeys, taskQueue: 'report-browser' });
    const inspector = inspectorRoutes({ service, journeys, secret: 'report-browser-secret', sessions: db.store.inspectorSessions, keys: [{ key: SUPPORT_KEY, name: 'grace', role: 'support' }] });
    api = await listen(createApiServer({ store: db.store, router, apiKeys: [API_KEY], health: async () => ({}), plugins: [inspector] }));
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await db?.dispose();
  });

  async function shoot(page: Page, name: string): Promise<void> {
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, name), fullPage: true });
  }
  const attr = async (page: Page, selector: string, name: string) => (await page.locator(selector).evaluateAll((els, n) => els.map((e) => e.getAttribute(n)), name));
  const reportOf = (journeyId: string): Promise<JourneyReport> => service.journeyReport({ journeyId });

  it('shows the post-purchase funnel and NPS, then the win-back A/B test, with the service\'s numbers', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    // A CSP violation or a failed asset shows up here (the browser's own favicon request aside).
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) errors.push(`${m.text()} (${m.location().url})`); });
    await page.goto(`${api.url}/inspector/journeys/post-purchase/report`);
    await page.getByLabel('Support key').fill(SUPPORT_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^Report: Post-purchase follow-up/ }).waitFor();

    const report = await reportOf('post-purchase');
    await expect(page.locator('dl.facts dd').nth(2).textContent()).resolves.toBe(`${report.entered} runs`);
    const funnel = page.getByRole('img', { name: 'Funnel: how far runs got' });
    await funnel.waitFor();
    const thanks = report.steps.find((s) => s.stepId === 'thank-you');
    expect(thanks?.sent).toBeGreaterThan(0);
    const bars = await attr(page, 'svg#funnel rect.bar', 'data-metric');
    expect(bars).toHaveLength(report.steps.reduce((n, s) => n + ['reached', 'sent', 'opened', 'clicked'].filter((m) => s[m as keyof typeof s] !== undefined).length, 0));
    expect((await attr(page, 'svg#funnel rect.bar-sent', 'data-value'))[0]).toBe(String(thanks?.sent));
    const widths = await page.locator('svg#funnel rect.bar').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    expect(Math.max(...widths)).toBeGreaterThan(100);

    const nps = report.surveys.find((s) => s.kind === 'nps');
    expect(nps?.responses).toBeGreaterThan(0);
    await expect(page.locator('p.big-number strong').first().textContent()).resolves.toBe(`NPS ${Math.round(nps?.score ?? NaN)}`);
    await page.getByRole('img', { name: 'NPS over time' }).waitFor();
    expect(await page.locator('svg#nps-over-time circle.point').count()).toBe(nps?.overTime.filter((p) => p.score !== null).length);
    expect(await page.locator('svg#nps-over-time line.zero').count()).toBe(1);
    expect(await attr(page, 'svg#distribution-nps rect.bar', 'data-value')).toEqual(Object.values(nps?.distribution ?? {}).map(String));
    await shoot(page, 'report.png');
    await page.setViewportSize({ width: 390, height: 844 });
    await shoot(page, 'report-phone.png');
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.getByRole('link', { name: 'Journeys', exact: true }).click();
    await page.getByRole('link', { name: 'win-back report' }).click();
    await page.getByRole('heading', { name: /^Report: Win back lapsed customers/ }).waitFor();
    const split = (await reportOf('win-back')).splits[0];
    expect(split?.variants.length).toBe(3);
    await page.getByRole('img', { name: `A/B test ${split?.stepId}: conversion rate per variant` }).waitFor();
    const variantBars = await attr(page, `svg#variants-${split?.stepId} rect.bar`, 'class');
    expect(variantBars).toEqual(split?.variants.map((v) => (v.control ? 'bar bar-control' : 'bar bar-variant')));
    expect(await page.locator(`svg#variants-${split?.stepId} g.whisker`).count()).toBe(split?.variants.filter((v) => v.runs > 0).length);
    const challenger = split?.variants.find((v) => !v.control && v.pValue !== null);
    if (challenger) await expect(page.locator(`svg#variants-${split?.stepId}`).textContent()).resolves.toContain(pValueText(challenger.pValue));
    if (split?.sampleSizeWarning) await expect(page.getByRole('note').first().textContent()).resolves.toBe(split.sampleSizeWarning);
    await shoot(page, 'report-ab.png');
    expect(errors).toEqual([]);
    await context.close();

    if (process.env.UPDATE_SCREENSHOTS === '1') {
      const docs = join(ROOT, 'docs/screenshots');
      mkdirSync(docs, { recursive: true });
      for (const name of ['report.png', 'report-phone.png', 'report-ab.png']) copyFileSync(join(OUTPUT, name), join(docs, name));
    }
  }, 120_000);
});
