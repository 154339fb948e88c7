// A journey's report (funnel, surveys, A/B tests, endings) and the list of journeys that links to
// the reports. Charts come from charts.ts; every chart's numbers are also in a table beside it.
import { html, type Html, type HtmlValue } from '../api/html';
import { FUNNEL_COLUMNS, HEADLINE_COLUMNS } from '../analytics/columns';
import type { JourneyReport, SplitReport, StepReport, SurveyKindReport } from '../analytics/types';
import type { JourneySnapshot } from '../dsl/schema';
import { compilePlan } from '../workflows/plan';
import { exitsChart, FUNNEL_METRICS, funnelChart, npsOverTimeChart, scoreDistributionChart, variantChart, wilson95 } from './charts';
import { page, when, type PageOptions } from './layout';
import type { RangeForm } from './report-query';
import { percent, pValueText, signedPercent } from './svg';

type Signed = NonNullable<PageOptions['session']>;

export function journeysHref(): string {
  return '/inspector/journeys';
}

/** The report page of a journey (the range form adds ?since&until&bucket&version). */
export function reportHref(journeyId: string): string {
  return `/inspector/journeys/${encodeURIComponent(journeyId)}/report`;
}

/** The journeys this Touchpoint runs, each with a link to its report. */
export function journeysPage(session: Signed, journeys: readonly JourneySnapshot[]): string {
  return page({
    title: 'Journeys',
    session,
    body: html`<h1>Journeys</h1>
<section aria-labelledby="list"><h2 id="list">Reports</h2>
${journeys.length === 0 ? html`<p class="muted">No journeys are loaded in this inspector. Open a report by its address: /inspector/journeys/&lt;journey id&gt;/report.</p>` : html`<div class="scroll"><table class="stack">
<thead><tr><th>Journey</th><th>Name</th><th>Trigger</th><th>Steps</th><th>Version</th></tr></thead>
<tbody>${journeys.map(({ journey, version }) => html`<tr><td data-label="Journey"><a href="${reportHref(journey.id)}">${journey.id}<span class="sr-only"> report</span></a></td><td data-label="Name">${journey.name}</td>
<td data-label="Trigger">${'event' in journey.trigger ? journey.trigger.event : `no ${journey.trigger.inactivity.event} for ${journey.trigger.inactivity.for}`}</td><td data-label="Steps">${Object.keys(compilePlan(journey).nodes).length}</td><td data-label="Version" class="mono">${version}</td></tr>`)}</tbody></table></div>`}
</section>`,
  });
}

export function reportPage(session: Signed, report: JourneyReport, form: RangeForm, journey?: JourneySnapshot): string {
  const ended = report.ended.completed + report.ended.exited + report.ended.converted;
  return page({
    title: `Report ${report.journeyId}`,
    session,
    body: html`<p><a href="${journeysHref()}">← Journeys</a></p>
<h1>Report: ${journey ? html`${journey.journey.name} <span class="muted mono">(${report.journeyId})</span>` : html`<span class="mono">${report.journeyId}</span>`}</h1>
<form method="get" action="${reportHref(report.journeyId)}" class="inline" aria-label="Date range and version">
<label for="since">From<input id="since" name="since" type="date" value="${form.since}"></label>
<label for="until">To (inclusive)<input id="until" name="until" type="date" value="${form.until}"></label>
<label for="bucket">Per<select id="bucket" name="bucket">${(['day', 'week'] as const).map((b) => html`<option value="${b}"${form.bucket === b ? ' selected' : ''}>${b}</option>`)}</select></label>
<label for="version">Version<input id="version" name="version" value="${form.version}" placeholder="all versions" class="mono"></label>
<button type="submit">Show</button>
</form>
<section aria-labelledby="summary"><h2 id="summary">Summary</h2>
<dl class="facts">
<dt>Range</dt><dd>${when(report.since)} to ${when(report.until)}</dd>
<dt>Version</dt><dd>${report.version ? html`<span class="mono">${report.version}</span>` : 'all versions'}</dd>
<dt>Entered</dt><dd>${report.entered} runs</dd>
<dt>Ended</dt><dd>${ended} runs: ${report.ended.completed} completed, ${report.ended.converted} converted, ${report.ended.exited} exited</dd>
<dt>Conversions</dt><dd>${rateText(report.conversions)}</dd>
<dt>Generated</dt><dd>${when(report.generatedAt)} <span class="muted">in ${Math.round(report.tookMs)} ms</span></dd>
</dl></section>
${funnelSection(report)}
${report.surveys.map(surveySection)}
${report.splits.map(splitSection)}
${exitsSection(report)}
${overTimeSection(report, form.bucket)}`,
  });
}

function rateText(rate: JourneyReport['conversions']): string {
  return `${rate.count} of ${rate.of} (${percent(rate.rate)})`;
}

/** A chart and its numbers as a table (opened on demand; screen readers get the chart's <desc> too). */
function figure(chart: Html, caption: string, table: Html): Html {
  return html`<figure class="chart-box">${chart}<details><summary>${caption} as a table</summary><div class="scroll">${table}</div></details></figure>`;
}

function table(headers: readonly string[], rows: readonly HtmlValue[][]): Html {
  return html`<table><thead><tr>${headers.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${rows.map((cells) => html`<tr>${cells.map((c, i) => (i === 0 ? html`<th scope="row">${c}</th>` : html`<td>${c}</td>`))}</tr>`)}</tbody></table>`;
}

function funnelSection(report: JourneyReport): Html {
  const skipped = (s: StepReport) => Object.entries(s.skipped ?? {}).map(([reason, n]) => `${reason} ${n}`).join(', ');
  const results = (s: StepReport) => Object.entries(s.results ?? {}).map(([result, n]) => `${result} ${n}`).join(', ');
  const rows = report.steps.map((s) => [s.stepId, s.kind, ...FUNNEL_METRICS.map((m) => s[m] ?? '—'), s.failed ?? '—', skipped(s) || '—', results(s) || '—']);
  return html`<section aria-labelledby="funnel-h"><h2 id="funnel-h">Funnel</h2>
${figure(funnelChart(report), 'Funnel', table(['Step', 'Kind', ...FUNNEL_METRICS, 'failed', 'skipped / deferred', 'results'], rows))}
<details><summary>What the numbers count</summary><dl class="facts">${Object.entries({ ...HEADLINE_COLUMNS, ...FUNNEL_COLUMNS }).map(([name, what]) => html`<dt>${name}</dt><dd>${what}</dd>`)}</dl></details>
</section>`;
}

function surveySection(survey: SurveyKindReport): Html {
  const name = survey.kind.toUpperCase();
  const score = survey.score === null ? '—' : survey.kind === 'ces' ? survey.score.toFixed(1) : String(Math.round(survey.score));
  const unit = survey.kind === 'nps' ? '(−100 to 100)' : survey.kind === 'csat' ? '% satisfied' : 'mean (1 to 7, higher is easier)';
  const id = `survey-${survey.kind}`;
  return html`<section aria-labelledby="${id}"><h2 id="${id}">${name} survey</h2>
<p class="big-number"><strong>${name} ${score}</strong> <span class="muted">${unit}</span> · ${survey.responses} responses of ${survey.sent} sent (${percent(survey.responseRate)} answered)</p>
<p>Comments: ${survey.sentiment.comments}${survey.sentiment.comments > 0 ? ` — ${percent(survey.sentiment.negative, 0)} negative, ${percent(survey.sentiment.neutral, 0)} neutral, ${percent(survey.sentiment.positive, 0)} positive` : ''}. Categories: ${Object.entries(survey.categories).map(([c, n]) => `${c} ${n}`).join(', ') || '—'}.</p>
${survey.kind === 'nps' ? figure(npsOverTimeChart(survey.overTime), 'NPS over time', table(['Period', 'Responses', 'NPS'], survey.overTime.map((p) => [p.bucket.slice(0, 10), p.responses, p.score === null ? '—' : Math.round(p.score)]))) : ''}
${figure(scoreDistributionChart(survey.kind, survey.distribution), `${name} answers per score`, table(['Score', 'Answers'], Object.entries(survey.distribution).map(([s, n]) => [s, n])))}
${survey.byTemplate.length > 0 ? html`<h3>By template</h3><div class="scroll">${table(['Template', 'Responses', name], survey.byTemplate.map((t) => [t.template, t.responses, t.score === null ? '—' : survey.kind === 'ces' ? t.score.toFixed(1) : Math.round(t.score)]))}</div>` : ''}
</section>`;
}

function splitSection(split: SplitReport): Html {
  const id = `split-${split.stepId.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const rows = split.variants.map((v) => {
    const ci = wilson95(v.conversions, v.runs);
    return [v.control ? `${v.variantId} (control)` : v.variantId, v.runs, v.conversions, percent(v.conversionRate), ci ? `${percent(ci[0])}–${percent(ci[1])}` : '—',
      v.control ? '—' : signedPercent(v.lift), v.diffCi95 ? `${signedPercent(v.diffCi95[0])} to ${signedPercent(v.diffCi95[1])}` : '—', v.control ? '—' : pValueText(v.pValue), v.control ? '—' : v.significant ? 'yes' : 'no'];
  });
  return html`<section aria-labelledby="${id}"><h2 id="${id}">A/B test: ${split.stepId}</h2>
${split.sampleSizeWarning ? html`<p class="notice warn" role="note">${split.sampleSizeWarning}</p>` : ''}
${figure(variantChart(split, { warning: false }), `A/B test ${split.stepId}`, table(['Variant', 'Runs', 'Converted', 'Rate', '95% interval', 'Lift', 'Difference (95% CI)', 'p-value', 'Significant'], rows))}
<p class="muted">Bars: conversion rate; whiskers: its 95% interval (Wilson). The dashed line is the control's rate. Lift and p-value compare each variant with the control (two-proportion z-test).</p>
</section>`;
}

function exitsSection(report: JourneyReport): Html {
  const rows = Object.entries(report.exitsByReason).sort(([, a], [, b]) => b - a).map(([reason, n]) => [reason, n]);
  return html`<section aria-labelledby="exits-h"><h2 id="exits-h">Why runs exited</h2>
${figure(exitsChart(report.exitsByReason), 'Exits', table(['Reason', 'Runs'], rows))}
</section>`;
}

function overTimeSection(report: JourneyReport, bucket: RangeForm['bucket']): Html {
  if (report.overTime.length === 0) return html``;
  return html`<section aria-labelledby="over-time"><h2 id="over-time">Per ${bucket}</h2>
<details><summary>Entered, converted and sent per period</summary><div class="scroll">${table(['Period', 'Entered', 'Converted', 'Sent'], report.overTime.map((p) => [p.bucket.slice(0, 10), p.entered, p.converted, p.sent]))}</div></details>
</section>`;
}
