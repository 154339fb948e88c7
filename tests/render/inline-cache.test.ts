// The per-version CSS inliner (render/inline-css.ts createCssInliner) against inlineCss, the
// uncached path: byte-identical HTML for every template in templates/, each locale variant and
// several customers, and for HTML shapes the cached path must leave to inlineCss.
import { join } from 'node:path';
import { createCssInliner, inlineCss } from '../../render/inline-css';
import { decodeBundle } from '../../render/bundle';
import { compileTemplate, createRenderer, COMPILED_VERSIONS_KEPT, type RenderContext } from '../../render/renderer';
import { loadJourneys } from '../../dsl/load';
import { sampleContext, sampleSurvey } from '../../dsl/sample-checks';
import type { TemplateVersion } from '../../store/types';

const ROOT = join(__dirname, '..', '..');

/** What every inliner the renderer makes is given and answers (the renderer's own, wrapped). */
const mockSeen: Array<{ html: string; out: string; styles: Readonly<Record<string, string>>; cached: boolean }> = [];
jest.mock('../../render/inline-css', () => {
  const actual = jest.requireActual<typeof import('../../render/inline-css')>('../../render/inline-css');
  return {
    ...actual,
    createCssInliner(styles: Readonly<Record<string, string>>) {
      const inliner = actual.createCssInliner(styles);
      return {
        cached: inliner.cached,
        inline(html: string) {
          const out = inliner.inline(html);
          mockSeen.push({ html, out, styles, cached: inliner.cached(html) });
          return out;
        },
      };
    },
  };
});

/** Customers whose traits change what the templates write (names with HTML, no name, other locales). */
function contexts(base: RenderContext): RenderContext[] {
  return [
    base,
    { ...base, customer: { id: 'c-2' }, traits: {} },
    { ...base, customer: { id: 'c-3' }, traits: { ...base.traits, first_name: 'Zoë <b>"&\'</b>', locale: 'it-IT', timezone: 'Europe/Rome' } },
    { ...base, traits: { ...base.traits, first_name: 'Ada' }, links: {} },
  ];
}

describe('the cached CSS inliner is inlineCss, byte for byte', () => {
  let versions: TemplateVersion[];
  const baseContexts = new Map<string, RenderContext>();
  beforeAll(async () => {
    const loaded = await loadJourneys({ paths: [join(ROOT, 'journeys')], templatesDir: join(ROOT, 'templates') });
    versions = loaded.templates;
    for (const snapshot of loaded.journeys) {
      for (const name of Object.keys(snapshot.templates)) {
        const survey = snapshot.journey.steps.find((s) => 'survey' in s && s.survey.template === name);
        const context: RenderContext & { survey?: unknown } = sampleContext(snapshot.journey);
        if (survey && 'survey' in survey) context.survey = sampleSurvey(survey.survey.kind);
        baseContexts.set(name, context);
      }
    }
  });

  test('every email template in templates/, every variant, several customers: same HTML, by the cached path', () => {
    mockSeen.length = 0;
    let emails = 0;
    for (const version of versions) {
      const compiled = compileTemplate(version);
      const context = baseContexts.get(version.name);
      if (!context || !decodeBundle(version.source).variants['']?.includes('email.html')) continue;
      for (const variant of ['', ...compiled.locales]) {
        for (const each of contexts(context)) {
          compiled.email(each, { variant });
          emails++;
        }
      }
    }
    expect(emails).toBeGreaterThanOrEqual(40);
    expect(mockSeen).toHaveLength(emails);
    for (const { html, out, styles, cached } of mockSeen) {
      expect(cached).toBe(true);
      expect(out).toBe(inlineCss(html, styles));
      expect(out).toContain('style="');
    }
  });

  const CSS = { base: '.card { padding: 4px; color: #111111; }\np { margin: 0; }\n@media (max-width: 600px) { .card { padding: 1px !important; } }\n', extra: '.card { color: #222222; }\n@font-face { font-family: X; src: url(x.woff); }\n', plain: 'a { color: red; }' };
  const doc = (head: string, body: string) => `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>T</title>\n${head}\n</head>\n<body>${body}</body>\n</html>\n`;
  const LINK = '<link rel="stylesheet" href="../styles/base.css">';
  const cases: Array<[string, boolean, string]> = [
    ['one linked stylesheet', true, doc(LINK, '<div class="card"><p>Hi</p></div>')],
    ['two stylesheets, later rules win', true, doc(`${LINK}\n<link rel="stylesheet" href="styles/extra.css">`, '<div class="card" style="margin: 2px">x</div>')],
    ['a stylesheet without media queries leaves no <style>', true, doc('<link rel="stylesheet" href="styles/plain.css">', '<a href="#">x</a>')],
    ['a link to a missing stylesheet is dropped', true, doc(`${LINK}<link rel="stylesheet" href="styles/gone.css">`, '<p>x</p>')],
    ['a link to another site stays', true, doc(`<link rel="stylesheet" href="https://fonts.example/a.css">${LINK}`, '<p>x</p>')],
    ['a <style> block in the body', false, doc(LINK, '<style>p { color: blue; }</style><p>x</p>')],
    ['a comment', false, doc(LINK, '<!-- <link rel="stylesheet" href="styles/extra.css"> --><p class="card">x</p>')],
    ['a link in the body', false, doc('', '<link rel="stylesheet" href="styles/base.css"><p class="card">x</p>')],
    ['a template code block', false, doc(LINK, '<p class="card">{{not rendered}}</p>')],
    ['no head', false, `<div class="card">x</div>${LINK}`],
    ['a head with a script', false, doc(`${LINK}<script>var a = "<p>";</script>`, '<p>x</p>')],
    ['no stylesheet at all', false, doc('', '<p class="card">x</p>')],
  ];
  test.each(cases)('%s: same HTML as inlineCss (cached path: %s)', (_name, cached, html) => {
    const inliner = createCssInliner(CSS);
    expect(inliner.cached(html)).toBe(cached);
    expect(inliner.inline(html)).toBe(inlineCss(html, CSS));
    // A second message of the same version reuses the prepared stylesheets and still agrees.
    expect(inliner.inline(html.replace('x', 'y'))).toBe(inlineCss(html.replace('x', 'y'), CSS));
  });

  test('a stylesheet holding "</style" or a code block is left to inlineCss', () => {
    const styles = { base: 'p { color: red; } /* </style> */', hbs: 'p { color: {{colour}}; }' };
    const inliner = createCssInliner(styles);
    for (const name of ['base', 'hbs']) {
      const html = doc(`<link rel="stylesheet" href="styles/${name}.css">`, '<p>x</p>');
      expect(inliner.cached(html)).toBe(false);
      expect(inliner.inline(html)).toBe(inlineCss(html, styles));
    }
  });
});

describe('the renderer keeps a bounded number of compiled versions', () => {
  test('past COMPILED_VERSIONS_KEPT the least recently used version is compiled again; a recent one is not', async () => {
    const reads: string[] = [];
    const renderer = createRenderer({
      async getTemplateVersion(hash) {
        reads.push(hash);
        return { hash, name: 't', source: `{{!-- email.subject --}}\n${hash}\n{{!-- email.text --}}\nx` };
      },
    });
    const hashes = Array.from({ length: COMPILED_VERSIONS_KEPT + 1 }, (_, i) => `h${i}`);
    await renderer.load({ name: 't', hash: 'h0' });
    for (const hash of hashes.slice(1, -1)) await renderer.load({ name: 't', hash });
    await renderer.load({ name: 't', hash: 'h0' }); // used again: now the most recent
    await renderer.load({ name: 't', hash: hashes.at(-1)! }); // one over: h1 goes
    reads.length = 0;
    await renderer.load({ name: 't', hash: 'h0' });
    await renderer.load({ name: 't', hash: 'h2' });
    expect(reads).toEqual([]);
    await renderer.load({ name: 't', hash: 'h1' });
    expect(reads).toEqual(['h1']);
  });
});
