// CSS inlining for email HTML: a layout links `styles/<name>.css` (or writes a <style> block);
// the rendered HTML gets those rules copied into style="" attributes by juice, because Gmail
// and Outlook drop or ignore <head> styles. Media queries stay in a <style> block for clients that read it.
// A template version's inliner (createCssInliner) does the stylesheet-only part of that once.
import juice from 'juice';

// Width attributes stay as written: Outlook lays tables out by width="600", not by CSS max-width.
const JUICE_OPTIONS = { preserveMediaQueries: true, preserveFontFaces: true, applyWidthAttributes: false, applyHeightAttributes: false };

export interface StylesheetLink {
  /** `base` for href="styles/base.css". */
  name: string;
  /** Offset of the <link> tag in the text searched. */
  index: number;
}

const LINK_TAG = /<link\b[^>]*>/gi;
const attribute = (tag: string, name: string): string | undefined =>
  new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag)?.slice(1).find((v) => v !== undefined);

/**
 * `<link rel="stylesheet" href="styles/<name>.css">` tags (href may also be `../styles/<name>.css`,
 * as an editor resolves it from layouts/). Links to other places are not ours and are left alone.
 */
export function stylesheetLinks(html: string): StylesheetLink[] {
  const out: StylesheetLink[] = [];
  for (const match of html.matchAll(LINK_TAG)) {
    const tag = match[0];
    if (!/\bstylesheet\b/i.test(attribute(tag, 'rel') ?? '')) continue;
    const name = /^(?:\.\.\/|\.\/)*styles\/([A-Za-z0-9_-]+)\.css$/.exec(attribute(tag, 'href') ?? '')?.[1];
    if (name !== undefined) out.push({ name, index: match.index });
  }
  return out;
}

/**
 * Replace linked stylesheets by their CSS and inline every <style> block into style attributes.
 * HTML without any style is returned untouched (juice would still re-serialise it).
 */
export function inlineCss(html: string, styles: Readonly<Record<string, string>>): string {
  const withStyles = html.replace(LINK_TAG, (tag) => {
    const [link] = stylesheetLinks(tag);
    if (!link) return tag;
    const css = styles[link.name];
    // Validation reports a missing stylesheet; a pinned version without it just drops the link.
    return css === undefined ? '' : `<style>\n${css}\n</style>`;
  });
  if (!/<style\b/i.test(withStyles)) return withStyles;
  return juice(withStyles, JUICE_OPTIONS);
}

/** One stylesheet as juice handles it inside a document, worked out once. */
interface PreparedStylesheet {
  /** The text of the <style> element inlineCss puts in place of the link: what juice reads as CSS. */
  css: string;
  /** What juice leaves of that element in the output (media queries, font faces), or ''. */
  block: string;
}

/** The start of a juice code block (`{{`, `<%`, `<#`…): juice swaps those out before parsing, so the fast path leaves such HTML alone. */
const CODE_BLOCK_STARTS = Object.values(juice.codeBlocks).map((block) => block.start);
const hasCodeBlock = (text: string) => CODE_BLOCK_STARTS.some((start) => text.includes(start));

/** `<!doctype…><html…><head…>`, the head of only meta, title (plain text), base and link tags, `</head>`: the shape layouts have. */
const SIMPLE_HEAD = /^(\s*(?:<!doctype\b[^<>]*>\s*)?(?:<html\b[^<>]*>\s*)?<head\b[^<>]*>)((?:\s+|<meta\b[^<>]*>|<base\b[^<>]*>|<link\b[^<>]*>|<title\b[^<>]*>[^<>]*<\/title\s*>)*)(<\/head\s*>)/i;
/** Where a stylesheet link would not be an element, or a <style> juice would also read, could hide. */
const NOT_PLAIN = /<!--|<!\[CDATA\[|<style\b|<(?:script|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext|template|svg|math)\b/i;

export interface CssInliner {
  /** inlineCss(html, styles), byte for byte. */
  inline(html: string): string;
  /** Whether `html` takes the path with the stylesheet work done once (else inline is inlineCss). */
  cached(html: string): boolean;
}

/**
 * inlineCss for one template version's stylesheets, with the work that depends only on a
 * stylesheet done once: what juice keeps of it in a <style> block (a second CSS parse per
 * message). The output is inlineCss's, byte for byte: HTML of the shape layouts have (stylesheet
 * links in a plain <head>, no <style>, comments or template code blocks) goes to juice with that
 * block already in place and the same CSS text juice would read; any other HTML goes to inlineCss.
 */
export function createCssInliner(styles: Readonly<Record<string, string>>): CssInliner {
  const prepared = new Map<string, PreparedStylesheet | null>();
  const prepare = (name: string): PreparedStylesheet | null => {
    if (prepared.has(name)) return prepared.get(name) ?? null;
    const source = styles[name];
    let result: PreparedStylesheet | null = null;
    // The CSS must reach juice as the parsed <style> text would: no end tag or code block inside.
    if (source !== undefined && !/<\/style/i.test(source) && !hasCodeBlock(source)) {
      const css = `\n${source}\n`;
      const block = juice(`<style>${css}</style>`, JUICE_OPTIONS);
      if (block === '' || (block.startsWith('<style>') && block.endsWith('</style>') && block.indexOf('</style') === block.length - 8)) result = { css, block };
    }
    prepared.set(name, result);
    return result;
  };

  /** The document with each link replaced by its block, and the CSS juice would have read; null when HTML is not of the plain shape. */
  const plain = (html: string): { html: string; css: string } | null => {
    const head = SIMPLE_HEAD.exec(html);
    if (!head || hasCodeBlock(html)) return null;
    const rest = html.slice(head[0].length);
    if (NOT_PLAIN.test(rest) || NOT_PLAIN.test(head[1] ?? '') || stylesheetLinks(rest).length > 0) return null;
    const sheets: PreparedStylesheet[] = [];
    let unprepared = false;
    const headContent = (head[2] ?? '').replace(LINK_TAG, (tag) => {
      const [link] = stylesheetLinks(tag);
      if (!link || styles[link.name] === undefined) return link ? '' : tag;
      const sheet = prepare(link.name);
      if (sheet) sheets.push(sheet);
      else unprepared = true;
      return sheet?.block ?? '';
    });
    if (unprepared || sheets.length === 0) return null;
    // juice reads every <style> in document order, joined by newlines, then a newline and its (empty) extraCss.
    return { html: `${head[1]}${headContent}${head[3]}${rest}`, css: `${sheets.map((sheet) => sheet.css).join('\n')}\n` };
  };

  return {
    inline(html) {
      const found = plain(html);
      return found ? juice.inlineContent(found.html, found.css, JUICE_OPTIONS) : inlineCss(html, styles);
    },
    cached: (html) => plain(html) !== null,
  };
}
