// A customer: profile, consent per channel with its history, suppressions, push subscriptions,
// journey runs, and the support actions (exit all runs, change a channel's consent).
import type { TraitWarning } from '../core/trait-warnings';
import type { Channel } from '../dsl/schema';
import type { CustomerView, RunPage } from '../support/types';
import { html } from '../api/html';
import { badge, csrfField, customerHref, orDash, page, runHref, when, type PageOptions } from './layout';

const CHANNELS: readonly Channel[] = ['email', 'sms', 'push'];

export function customerPage(session: NonNullable<PageOptions['session']>, view: CustomerView, runs: RunPage, notice?: string): string {
  const { contact } = view;
  const base = customerHref(contact.customerId);
  const traits = Object.entries(contact.traits).filter(([name]) => name !== 'email' && name !== 'phone');
  return page({
    title: `Customer ${contact.customerId}`,
    session,
    body: html`<h1>Customer <span class="mono">${contact.customerId}</span></h1>
${notice ? html`<p class="notice ok" role="status">${notice}</p>` : ''}
<section aria-labelledby="profile"><h2 id="profile">Profile</h2>
${traitWarningsNotice(view.warnings)}
<dl class="facts">
<dt>Email</dt><dd>${orDash(contact.email)}</dd>
<dt>Phone</dt><dd>${orDash(contact.phone)}</dd>
${traits.map(([name, value]) => html`<dt>${name}</dt><dd>${typeof value === 'string' ? value : JSON.stringify(value)}${warned(view.warnings, name)}</dd>`)}
<dt>First seen</dt><dd>${when(contact.createdAt)}</dd>
<dt>Updated</dt><dd>${when(contact.updatedAt)}</dd>
</dl></section>

<section aria-labelledby="consent"><h2 id="consent">Consent</h2>
<div class="scroll"><table>
<thead><tr><th>Channel</th><th>Status</th><th>Since</th><th>Source</th><th>Why</th><th>By</th></tr></thead>
<tbody>${CHANNELS.map((channel) => {
      const change = view.consent[channel];
      return html`<tr><td>${channel}</td><td>${change ? badge(change.status) : html`<span class="badge ok">subscribed</span> <span class="muted">(never changed)</span>`}</td>
<td>${when(change?.changedAt)}</td><td>${orDash(change?.source)}</td><td>${orDash(change?.reason)}</td><td>${orDash(change?.by)}</td></tr>`;
    })}</tbody></table></div>
<form method="post" action="${base}/consent" class="inline">${csrfField(session.csrf)}
<label>Channel<select name="channel">${CHANNELS.map((c) => html`<option value="${c}">${c}</option>`)}</select></label>
<label>Change to<select name="status"><option value="unsubscribed">unsubscribed</option><option value="subscribed">subscribed</option></select></label>
<label>Reason (for the audit log)<input name="reason" required maxlength="500"></label>
<button type="submit">Change consent</button>
</form>
${view.consentHistory.length > 1 ? html`<details><summary>History (${view.consentHistory.length} changes)</summary><div class="scroll"><table>
<thead><tr><th>When</th><th>Channel</th><th>Status</th><th>Source</th><th>Why</th><th>By</th></tr></thead>
<tbody>${view.consentHistory.map((c) => html`<tr><td>${when(c.changedAt)}</td><td>${c.channel}</td><td>${badge(c.status)}</td><td>${c.source}</td><td>${orDash(c.reason)}</td><td>${orDash(c.by)}</td></tr>`)}</tbody></table></div></details>` : ''}
</section>

<section aria-labelledby="suppressions"><h2 id="suppressions">Suppressed addresses</h2>
${view.suppressions.length === 0 ? html`<p class="muted">None: no address of this customer is suppressed.</p>` : html`<div class="scroll"><table>
<thead><tr><th>Channel</th><th>Address</th><th>Reason</th><th>Detail</th><th>Since</th></tr></thead>
<tbody>${view.suppressions.map((s) => html`<tr><td>${s.channel}</td><td class="mono">${s.address}</td><td>${badge(s.reason)}</td><td>${orDash(s.detail)}</td><td>${when(s.createdAt)}</td></tr>`)}</tbody></table></div>`}
</section>

<section aria-labelledby="push"><h2 id="push">Push subscriptions</h2>
${view.pushSubscriptions.length === 0 ? html`<p class="muted">None.</p>` : html`<div class="scroll"><table>
<thead><tr><th>Endpoint</th><th>Browser</th><th>Subscribed</th><th>Last delivered</th></tr></thead>
<tbody>${view.pushSubscriptions.map((p) => html`<tr><td class="mono">${p.endpoint}</td><td>${orDash(p.userAgent)}</td><td>${when(p.createdAt)}</td><td>${when(p.lastSuccessAt)}</td></tr>`)}</tbody></table></div>`}
</section>

<section aria-labelledby="runs"><h2 id="runs">Journey runs</h2>
${runs.runs.length === 0 ? html`<p class="muted">This customer has not entered any journey.</p>` : html`<div class="scroll"><table class="stack">
<thead><tr><th>Status</th><th>Journey</th><th>Version</th><th>Entry key</th><th>Current step</th><th>Started</th><th>Next wake-up</th></tr></thead>
<tbody>${runs.runs.map((r) => html`<tr><td data-label="Status">${badge(r.status)}</td><td data-label="Journey"><a href="${runHref(r.workflowId)}">${r.journeyId}</a></td><td data-label="Version" class="mono">${r.journeyVersion}</td>
<td data-label="Entry key">${orDash(r.entryKey)}</td><td data-label="Current step">${orDash(r.currentStep)}</td><td data-label="Started">${when(r.startedAt)}</td>
<td data-label="Next wake-up">${r.nextWakeUp || r.status !== 'running' ? when(r.nextWakeUp) : html`<span class="muted">see the run</span>`}</td></tr>`)}</tbody></table></div>`}
${runs.nextPageToken ? html`<p><a href="${base}?runs=${encodeURIComponent(runs.nextPageToken)}">More runs</a></p>` : ''}
${runs.runs.some((r) => r.status === 'running') ? html`<form method="post" action="${base}/exit-all" class="inline">${csrfField(session.csrf)}
<label>Reason (for the audit log)<input name="reason" required maxlength="500"></label>
<button class="danger" type="submit">Exit all running runs</button></form>` : ''}
</section>`,
  });
}

/** The profile's traits that cannot be used as meant, each with what is used instead. */
export function traitWarningsNotice(warnings: readonly TraitWarning[]) {
  if (warnings.length === 0) return '';
  return html`<div class="notice warn" role="note"><strong>Profile warning${warnings.length === 1 ? '' : 's'}</strong><ul>${warnings.map((w) => html`<li>${w.message}</li>`)}</ul></div>`;
}

/** A badge beside a trait that has a warning: `invalid, using UTC`. */
function warned(warnings: readonly TraitWarning[], trait: string) {
  const found = warnings.find((w) => w.path[w.path.length - 1] === trait);
  return found ? html` <span class="badge warn">invalid, using ${found.used}</span>` : '';
}
