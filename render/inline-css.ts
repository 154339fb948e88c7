// CSS inlining for email HTML: a layout links `styles/<name>.css` (or writes a <style> block);
// the rendered HTML gets those rules copied into style="" attributes by juice, because Gmail
// and Outlook drop or ignore <head> styles. Media queries stay in a <style> block for clients that read it.
import juice from 'juice';

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
  // Width attributes stay as written: Outlook lays tables out by width="600", not by CSS max-width.
  return juice(withStyles, { preserveMediaQueries: true, preserveFontFaces: true, applyWidthAttributes: false, applyHeightAttributes: false });
}
