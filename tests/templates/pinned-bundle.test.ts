// A run is pinned to a template bundle: editing a variant, partial, layout or stylesheet makes
// a new version (new hash), and the stored old version still renders what the run started with.
import { loadJourneys } from '../../dsl/load';
import { createRenderer } from '../../render/renderer';
import { createTestStore, type TestStore } from '../support/db';
import { makeWorkspace, type Workspace } from '../dsl/support/workspace';
import { context, templateFile } from './support';

const JOURNEY = ['id: demo', 'name: Demo', 'trigger:', '  event: user.signed_up', 'steps:', '  - id: hello', '    send: { channel: email, template: welcome }', ''].join('\n');
const WELCOME = templateFile({ 'email.subject': 'Welcome', 'email.html': '{{#> layouts/base}}<p>Welcome</p>{{/layouts/base}}' });

describe('template versions pinned as bundles', () => {
  let ws: Workspace;
  let db: TestStore;
  beforeAll(async () => {
    db = await createTestStore('pglite');
  });
  afterAll(() => db.dispose());
  beforeEach(async () => {
    ws = await makeWorkspace({
      'journeys/demo.yaml': JOURNEY,
      'templates/welcome.hbs': WELCOME,
      'templates/welcome.it.hbs': WELCOME.replace('<p>Welcome', '<p>Benvenuto'),
      'templates/layouts/base.hbs': '<html><head><link rel="stylesheet" href="styles/base.css"></head><body>{{> @partial-block}}{{> footer}}</body></html>',
      'templates/partials/footer.hbs': '<p class="footer">Ferncroft</p>',
      'templates/styles/base.css': '.footer { color: #888888; }',
    });
  });
  afterEach(() => ws.remove());

  /** Load the journeys, save their template versions like `touchpoint start`, return welcome's hash. */
  const saveVersions = async () => {
    const result = await loadJourneys({ paths: ['journeys'], templatesDir: 'templates', cwd: ws.dir });
    expect(result.problems).toEqual([]);
    for (const version of result.templates) await db.store.saveTemplateVersion(version);
    return result.journeys[0]?.templates.welcome ?? '';
  };
  const italianHtml = async (hash: string) => (await createRenderer(db.store).load({ name: 'welcome', hash })).email(context({ locale: 'it' })).html;

  test('after the Italian file changes, the pinned version still renders the old Italian text', async () => {
    const pinned = await saveVersions();
    expect(await italianHtml(pinned)).toBe('<html><head></head><body><p>Benvenuto</p><p class="footer" style="color: #888888;">Ferncroft</p></body></html>');
    await ws.write('templates/welcome.it.hbs', WELCOME.replace('<p>Welcome', '<p>Ciao e benvenuto'));
    const next = await saveVersions();
    expect(next).not.toBe(pinned);
    expect(await italianHtml(pinned)).toContain('<p>Benvenuto</p>');
    expect(await italianHtml(next)).toContain('<p>Ciao e benvenuto</p>');
  });

  test.each([
    ['editing a partial', 'templates/partials/footer.hbs', '<p class="footer">Ferncroft Ltd</p>', 'Ferncroft Ltd'],
    ['editing a layout', 'templates/layouts/base.hbs', '<html><head><link rel="stylesheet" href="styles/base.css"></head><body>{{> @partial-block}}<hr>{{> footer}}</body></html>', '<hr>'],
    ['editing a stylesheet', 'templates/styles/base.css', '.footer { color: #111111; }', 'color: #111111;'],
    ['adding a variant', 'templates/welcome.de.hbs', WELCOME, 'Welcome'],
  ])('%s makes a new version and leaves the pinned one as it was', async (_what, file, content, marker) => {
    const pinned = await saveVersions();
    const before = await italianHtml(pinned);
    await ws.write(file, content);
    const next = await saveVersions();
    expect(next).not.toBe(pinned);
    expect(await italianHtml(pinned)).toBe(before);
    const after = await createRenderer(db.store).load({ name: 'welcome', hash: next });
    expect(after.email(context({ locale: file.endsWith('.de.hbs') ? 'de' : 'it' })).html).toContain(marker);
  });

  test('an unrelated partial does not change the version', async () => {
    const pinned = await saveVersions();
    await ws.write('templates/partials/unused.hbs', 'not called by welcome');
    expect(await saveVersions()).toBe(pinned);
  });
});
