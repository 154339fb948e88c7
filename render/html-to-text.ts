// A readable plain-text version of an email's HTML, for templates without an email.text part,
// through the html-to-text library (a full HTML parser: every named and numeric entity decoded).
// Links read "label [url]", lists "- item", headings keep their case, images give their alt text.
import { compile, type FormatCallback } from 'html-to-text';

/** An image is its alt text: a logo or a tracking pixel's URL is noise in a text part. */
const altOnly: FormatCallback = (elem, _walk, builder) => {
  const attribs = (elem as { attribs?: Record<string, string> }).attribs ?? {};
  if (attribs.alt) builder.addInline(attribs.alt);
};

/** A `javascript:` link has no address a reader could type: keep its label only. */
const noScriptHref = (href: string) => (/^\s*javascript:/i.test(href) ? '' : href);

const heading = (leadingLineBreaks: number) => ({ leadingLineBreaks, trailingLineBreaks: 2, uppercase: false });

const convert = compile({
  // Mail clients reflow text parts; a hard wrap at 80 would split long URLs across lines.
  wordwrap: false,
  formatters: { altOnly },
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true, linkBrackets: ['[', ']'], noAnchorUrl: true, pathRewrite: noScriptHref } },
    { selector: 'img', format: 'altOnly' },
    { selector: 'h1', options: heading(2) },
    { selector: 'h2', options: heading(2) },
    { selector: 'h3', options: heading(2) },
    { selector: 'h4', options: heading(2) },
    { selector: 'h5', options: heading(2) },
    { selector: 'h6', options: heading(2) },
    { selector: 'ul', options: { itemPrefix: '- ' } },
    // Email layouts are tables: their cells are blocks of text, not a data grid to align.
    { selector: 'table', format: 'block' },
    { selector: 'tr', format: 'block' },
    { selector: 'td', format: 'block' },
    { selector: 'th', format: 'block' },
  ],
});

/** Plain text from HTML, for the text/plain alternative of an email. */
export function htmlToText(html: string): string {
  return convert(html)
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+$/g, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
