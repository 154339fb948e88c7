// One journey run: its header, the timeline of steps, every send with its reason, and the exit action.
import type { MessageRow } from '../store/types';
import type { RunDetail } from '../support/types';
import { html } from '../api/html';
import { traitWarningsNotice } from './customer-page';
import { badge, csrfField, customerHref, messageHref, orDash, page, runHref, when, type PageOptions } from './layout';

export function runPage(session: NonNullable<PageOptions['session']>, run: RunDetail, notice?: string): string {
  const state = run.state;
  const steps = state?.stepsDone ?? [];
  const current = run.status === 'running' ? run.currentStep : null;
  return page({
    title: `Run ${run.workflowId}`,
    session,
    body: html`<p><a href="${customerHref(run.customerId)}">← Customer ${run.customerId}</a></p>
<h1>Run <span class="mono">${run.workflowId}</span></h1>
${notice ? html`<p class="notice ok" role="status">${notice}</p>` : ''}
<section aria-labelledby="summary"><h2 id="summary">Summary</h2>
<dl class="facts">
<dt>Status</dt><dd>${badge(run.status)}${state?.endReason ? html` <span class="muted">(${state.endReason})</span>` : ''}</dd>
<dt>Journey</dt><dd>${run.journeyId} <span class="muted">version</span> <span class="mono">${run.journeyVersion}</span></dd>
<dt>Entry key</dt><dd>${orDash(run.entryKey)}</dd>
<dt>Current step</dt><dd>${orDash(run.currentStep)}${state?.waitingFor ? html` <span class="muted">waiting for ${state.waitingFor}</span>` : ''}</dd>
<dt>Started</dt><dd>${when(run.startedAt)}</dd>
<dt>Closed</dt><dd>${when(run.closedAt)}</dd>
<dt>Next wake-up</dt><dd>${when(run.nextWakeUp)}</dd>
<dt>Events</dt><dd>${state ? html`${state.eventsReceived} received, ${state.duplicateEvents} duplicate${state.duplicateEvents === 1 ? '' : 's'} ignored` : html`<span class="muted">unknown</span>`}</dd>
<dt>Temporal</dt><dd>${run.temporalUiUrl ? html`<a href="${run.temporalUiUrl}" rel="noreferrer">Open in the Temporal Web UI</a>` : html`<span class="muted">Web UI address not configured (TEMPORAL_UI_URL)</span>`} <span class="mono muted">${run.runId}</span></dd>
</dl></section>

<section aria-labelledby="timeline"><h2 id="timeline">Timeline</h2>
${traitWarningsNotice(run.warnings)}
${state === null ? html`<p class="muted">The run's state could not be read (no worker answered its query, or its result is gone). Sends below come from the message log.</p>` : ''}
<ol class="timeline">
${steps.map((step) => html`<li><strong>${step.stepId}</strong> — entered ${when(step.enteredAt)}${step.finishedAt ? html`, finished ${when(step.finishedAt)}` : ''}
${step.outcome ? html`<br><span>${step.outcome}</span>` : ''}${sendsOf(run.messages, step.stepId)}</li>`)}
${current && !steps.some((s) => s.stepId === current && !s.finishedAt) ? html`<li class="current"><strong>${current}</strong> — now${run.nextWakeUp ? html`, sleeping until ${when(run.nextWakeUp)}` : ''}${state?.waitingFor ? html`, waiting for ${state.waitingFor}` : ''}${sendsOf(run.messages, current)}</li>` : ''}
</ol></section>

<section aria-labelledby="messages"><h2 id="messages">Messages</h2>
${run.messages.length === 0 ? html`<p class="muted">This run has not tried to send anything.</p>` : html`<div class="scroll"><table class="stack">
<thead><tr><th>Step</th><th>Channel</th><th>Reason</th><th>Detail</th><th>To</th><th>Provider id</th><th>Delivery</th><th>When</th><th>Content</th></tr></thead>
<tbody>${run.messages.map((m) => html`<tr><td data-label="Step">${m.stepId}</td><td data-label="Channel">${m.channel}</td><td data-label="Reason">${badge(m.reason ?? m.status)}</td><td data-label="Detail">${orDash(m.detail)}</td>
<td data-label="To" class="mono">${orDash(m.address)}</td><td data-label="Provider id" class="mono">${orDash(m.providerId)}</td><td data-label="Delivery">${badge(m.deliveryStatus)}${m.deliveryDetail ? html` <span class="muted">${m.deliveryDetail}</span>` : ''}</td>
<td data-label="When">${when(m.sentAt ?? m.updatedAt)}</td><td data-label="Content">${m.content ? html`<a href="${messageHref(m.messageKey)}">preview<span class="sr-only"> ${m.template} (${m.stepId})</span></a>` : html`<span class="muted">—</span>`}</td></tr>`)}</tbody></table></div>`}
</section>

${run.status === 'running' ? html`<section aria-labelledby="act"><h2 id="act">Exit this run</h2>
<form method="post" action="${runHref(run.workflowId)}/exit" class="inline">${csrfField(session.csrf)}
<label>Reason (for the audit log)<input name="reason" required maxlength="500"></label>
<button class="danger" type="submit">Exit run</button></form></section>` : ''}`,
  });
}

function sendsOf(messages: readonly MessageRow[], stepId: string) {
  const mine = messages.filter((m) => m.stepId === stepId);
  if (mine.length === 0) return '';
  return html`<br>${mine.map((m) => html`<span>${m.channel} ${m.template}: ${badge(m.reason ?? m.status)}${m.content ? html` <a href="${messageHref(m.messageKey)}">view message</a>` : ''} </span>`)}`;
}
