// The page shell every inspector page shares, and small formatting helpers for times and badges.
import { html, type Html, type HtmlValue } from '../api/html';
import type { Session } from './session';

export interface PageOptions {
  title: string;
  body: Html;
  /** Signed-in user: shows the search and journeys links, who is signed in and the sign-out form. */
  session?: { session: Session; csrf: string } | null;
}

export function page({ title, body, session }: PageOptions): string {
  const top = session
    ? html`<header class="top"><a href="/inspector">Touchpoint inspector</a><a href="/inspector">Search</a><a href="/inspector/journeys">Journeys</a>
<span class="who">Signed in as ${session.session.name} (${session.session.role})</span>
<form method="post" action="/inspector/logout"><input type="hidden" name="csrf" value="${session.csrf}"><button class="quiet" type="submit">Sign out</button></form></header>`
    : html`<header class="top"><a href="/inspector">Touchpoint inspector</a></header>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} · Touchpoint inspector</title>
<link rel="stylesheet" href="/inspector/assets/app.css">
</head>
<body>
${top}
<main>
${body}
</main>
</body>
</html>
`.value;
}

/** `2025-03-01 14:05:09 UTC` in a <time> element, or a dash. */
export function when(iso: string | null | undefined): Html {
  if (!iso) return html`<span class="muted">—</span>`;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return html`${iso}`;
  const text = `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  return html`<time datetime="${date.toISOString()}">${text}</time>`;
}

const TONE: Array<[RegExp, string]> = [
  [/^(sent|subscribed|running|completed|converted|delivered)$/, 'ok'],
  [/^(deferred|watching|retrying|deciding|dispatching|queued)/, 'info'],
  [/^(skipped|exited|unsubscribed|cancelled|terminated|timed_out)/, 'warn'],
  [/^(failed|undelivered|bad)/, 'bad'],
];

/** A status or reason code as a coloured badge (the text itself carries the meaning). */
export function badge(text: string | null | undefined): Html {
  if (!text) return html`<span class="muted">—</span>`;
  const tone = TONE.find(([pattern]) => pattern.test(text))?.[1] ?? '';
  return html`<span class="badge ${tone}">${text}</span>`;
}

export function orDash(value: HtmlValue): HtmlValue {
  return value === null || value === undefined || value === '' ? html`<span class="muted">—</span>` : value;
}

export function runHref(workflowId: string): string {
  return `/inspector/runs/${encodeURIComponent(workflowId)}`;
}

export function customerHref(customerId: string): string {
  return `/inspector/customers/${encodeURIComponent(customerId)}`;
}

export function messageHref(messageKey: string): string {
  return `/inspector/messages/${encodeURIComponent(messageKey)}`;
}

/** The hidden CSRF field every POST form carries. */
export function csrfField(csrf: string): Html {
  return html`<input type="hidden" name="csrf" value="${csrf}">`;
}
