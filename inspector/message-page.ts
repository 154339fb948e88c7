// One message as it was sent: email in a sandboxed frame (and its text part), SMS text, push payload.
import type { MessageRow } from '../store/types';
import { html } from '../api/html';
import { badge, messageHref, orDash, page, runHref, when, type PageOptions } from './layout';

/**
 * The CSP the email preview is served with: no scripts, no forms, and no request at all (images only
 * from data: URLs). A remote image would tell its sender the email was opened, from a support agent's
 * browser; the open pixel itself is taken out of the preview (tracking/rewrite-links.ts).
 */
export const PREVIEW_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'";

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export function messagePage(session: NonNullable<PageOptions['session']>, message: MessageRow): string {
  const content = message.content ?? {};
  const subject = text(content.subject);
  const hasHtml = message.channel === 'email' && text(content.html) !== null;
  return page({
    title: `Message ${message.template}`,
    session,
    body: html`<p><a href="${runHref(message.workflowId)}">← Run ${message.workflowId}</a></p>
<h1>${message.channel} · ${message.template} <span class="muted">(step ${message.stepId})</span></h1>
<section><dl class="facts">
<dt>Reason</dt><dd>${badge(message.reason ?? message.status)} ${orDash(message.detail)}</dd>
<dt>To</dt><dd class="mono">${orDash(message.address)}</dd>
<dt>Provider id</dt><dd class="mono">${orDash(message.providerId)}</dd>
<dt>Delivery</dt><dd>${badge(message.deliveryStatus)}${message.deliveryDetail ? html` ${message.deliveryDetail}` : ''}</dd>
<dt>Sent</dt><dd>${when(message.sentAt)}</dd>
<dt>Template version</dt><dd class="mono">${message.templateVersion}</dd>
${subject !== null ? html`<dt>Subject</dt><dd>${subject}</dd>` : ''}
</dl></section>
${hasHtml ? html`<section aria-labelledby="html"><h2 id="html">Email as sent</h2>
<p class="muted">Remote images are not loaded and the open pixel is left out: opening this preview records no open.</p>
<iframe class="preview" title="Email as sent: ${subject ?? message.template}" sandbox="" referrerpolicy="no-referrer" src="${messageHref(message.messageKey)}/preview"></iframe></section>` : ''}
${message.channel === 'email' && text(content.text) !== null ? html`<section aria-labelledby="text"><h2 id="text">Plain-text part</h2><pre>${text(content.text)}</pre></section>` : ''}
${message.channel === 'sms' ? html`<section aria-labelledby="sms"><h2 id="sms">Text message</h2><pre>${text(content.body) ?? text(content.text) ?? ''}</pre></section>` : ''}
${message.channel === 'push' ? html`<section aria-labelledby="push"><h2 id="push">Push payload</h2><pre>${JSON.stringify(content, null, 2)}</pre></section>` : ''}`,
  });
}
