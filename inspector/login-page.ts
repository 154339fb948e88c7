// Sign-in, search and error pages: the small pages around the customer and run views.
import { html } from '../api/html';
import { page, type PageOptions } from './layout';

export function loginPage(options: { message?: string; next?: string } = {}): string {
  return page({
    title: 'Sign in',
    body: html`<section class="card narrow">
<h1>Sign in</h1>
<p>Use your support API key (role <code>support</code> or <code>admin</code>). Ask whoever runs Touchpoint if you have none.</p>
${options.message ? html`<p class="notice bad" role="alert">${options.message}</p>` : ''}
<form method="post" action="/inspector/login" class="inline">
<input type="hidden" name="next" value="${options.next ?? '/inspector'}">
<label for="key">Support key<input id="key" name="key" type="password" autocomplete="current-password" required autofocus></label>
<button type="submit">Sign in</button>
</form>
</section>`,
  });
}

export function searchPage(session: PageOptions['session'], options: { query?: string; message?: string } = {}): string {
  return page({
    title: 'Find a customer',
    session,
    body: html`<section class="card">
<h1>Find a customer</h1>
<form method="get" action="/inspector" class="inline" role="search">
<label for="q">Customer id, email or phone<input id="q" name="q" type="search" value="${options.query ?? ''}" required autofocus></label>
<button type="submit">Search</button>
</form>
${options.message ? html`<p class="notice warn" role="alert">${options.message}</p>` : ''}
</section>`,
  });
}

/** Anything that went wrong, with what to do next. */
export function errorPage(session: PageOptions['session'], title: string, message: string): string {
  return page({
    title,
    session,
    body: html`<section class="card"><h1>${title}</h1><p role="alert">${message}</p><p><a href="/inspector">Back to search</a></p></section>`,
  });
}
