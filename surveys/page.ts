// The hosted survey page in every page language (render/page-language.ts): the kind's scale as
// radio buttons, an optional comment, and the thank-you and invalid-link pages. Mobile-first,
// labelled for screen readers, no script.
import { html, raw, type Html } from '../api/html';
import type { PageLanguage } from '../render/page-language';
import { SCALES, type SurveyKind } from './scoring';

export type { PageLanguage } from '../render/page-language';

const TEXT = {
  en: {
    title: 'Tell us what you think',
    question: {
      nps: 'How likely are you to recommend us to a friend or colleague?',
      csat: 'How satisfied are you with your experience?',
      ces: 'How much do you agree: "It was easy to get what I needed."',
    },
    low: { nps: 'Not at all likely', csat: 'Very unsatisfied', ces: 'Strongly disagree' },
    high: { nps: 'Extremely likely', csat: 'Very satisfied', ces: 'Strongly agree' },
    comment: 'Anything you would like to add? (optional)',
    send: 'Send',
    thanks: 'Thank you!',
    thanksBody: 'Your answer has been saved. You can change it with the same link until it expires.',
    invalid: 'This link is not valid',
    invalidBody: 'The link may be incomplete. Please open it again from the message you received.',
    expired: 'This survey has closed',
    expiredBody: 'Thank you for your interest: the time to answer this survey has passed.',
    pick: 'Please choose a score before sending.',
  },
  it: {
    title: 'Dicci cosa ne pensi',
    question: {
      nps: 'Quanto è probabile che ci consiglieresti a un amico o a un collega?',
      csat: 'Quanto sei soddisfatto della tua esperienza?',
      ces: 'Quanto sei d\u2019accordo: «È stato facile ottenere ciò di cui avevo bisogno.»',
    },
    low: { nps: 'Per niente probabile', csat: 'Molto insoddisfatto', ces: 'Per niente d\u2019accordo' },
    high: { nps: 'Estremamente probabile', csat: 'Molto soddisfatto', ces: 'Completamente d\u2019accordo' },
    comment: 'Vuoi aggiungere qualcosa? (facoltativo)',
    send: 'Invia',
    thanks: 'Grazie!',
    thanksBody: 'La tua risposta è stata salvata. Puoi cambiarla con lo stesso link finché è valido.',
    invalid: 'Questo link non è valido',
    invalidBody: 'Il link potrebbe essere incompleto. Aprilo di nuovo dal messaggio che hai ricevuto.',
    expired: 'Questo sondaggio è chiuso',
    expiredBody: 'Grazie per l\u2019interesse: il tempo per rispondere a questo sondaggio è scaduto.',
    pick: 'Scegli un punteggio prima di inviare.',
  },
} as const satisfies Record<PageLanguage, unknown>;

const STYLE = raw(`body{font-family:system-ui,sans-serif;margin:0;padding:1rem;color:#1a1a1a;background:#f6f6f6}
main{max-width:36rem;margin:0 auto;background:#fff;border-radius:.5rem;padding:1.25rem}
fieldset{border:0;padding:0;margin:0 0 1rem}legend{font-weight:600;margin-bottom:.75rem}
.scale{display:flex;flex-wrap:wrap;gap:.4rem}.scale label{flex:1 0 2.6rem;min-height:2.75rem;display:flex;align-items:center;justify-content:center;border:1px solid #888;border-radius:.4rem;cursor:pointer}
.scale input{position:absolute;opacity:0}.scale input:checked+span{font-weight:700}.scale label:has(input:checked){background:#1a56db;color:#fff;border-color:#1a56db}
.scale input:focus-visible+span{outline:3px solid #1a56db;outline-offset:4px}
.ends{display:flex;justify-content:space-between;font-size:.85rem;color:#555;margin-top:.4rem}
textarea{width:100%;box-sizing:border-box;min-height:6rem;font:inherit;padding:.5rem}
button{margin-top:1rem;font:inherit;padding:.7rem 1.5rem;border:0;border-radius:.4rem;background:#1a56db;color:#fff;min-height:2.75rem}
.error{color:#b00020}`);

function layout(lang: PageLanguage, title: string, body: Html): string {
  return html`<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${title}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`.toString();
}

export interface SurveyFormOptions {
  kind: SurveyKind;
  lang: PageLanguage;
  /** Preselected score (one-click link or the previous answer). */
  score?: number | undefined;
  comment?: string | undefined;
  /** Show the "choose a score" error. */
  missingScore?: boolean;
}

export function surveyFormPage(options: SurveyFormOptions): string {
  const t = TEXT[options.lang];
  const { min, max } = SCALES[options.kind];
  const choices: Html[] = [];
  for (let s = min; s <= max; s++) {
    choices.push(html`<label><input type="radio" name="score" value="${s}" required${options.score === s ? raw(' checked') : ''}><span>${s}</span></label>`);
  }
  const error = options.missingScore ? html`<p class="error" role="alert">${t.pick}</p>` : '';
  return layout(
    options.lang,
    t.title,
    html`<h1>${t.title}</h1>${error}<form method="post" action="">
<fieldset><legend id="q">${t.question[options.kind]}</legend><div class="scale" role="radiogroup" aria-labelledby="q">${choices}</div>
<div class="ends" aria-hidden="true"><span>${min} = ${t.low[options.kind]}</span><span>${max} = ${t.high[options.kind]}</span></div></fieldset>
<label for="comment">${t.comment}</label><textarea id="comment" name="comment" maxlength="2000">${options.comment ?? ''}</textarea>
<button type="submit">${t.send}</button></form>`,
  );
}

export function thanksPage(lang: PageLanguage): string {
  const t = TEXT[lang];
  return layout(lang, t.thanks, html`<h1>${t.thanks}</h1><p>${t.thanksBody}</p>`);
}

export function invalidSurveyPage(lang: PageLanguage, expired: boolean): string {
  const t = TEXT[lang];
  return expired
    ? layout(lang, t.expired, html`<h1>${t.expired}</h1><p>${t.expiredBody}</p>`)
    : layout(lang, t.invalid, html`<h1>${t.invalid}</h1><p>${t.invalidBody}</p>`);
}
