// The small HTML pages an unsubscribe link shows, in the customer's language: the confirmation
// (a GET changes nothing: mail scanners fetch links), what happened, and a bad link. Readable on
// a phone, no scripts or external resources (the token is in the URL, so no referrer leaves).
import type { Channel } from '../../dsl/schema';
import type { PageLanguage } from '../../render/page-language';
import { html, raw, type Html } from '../html';

interface UnsubscribeText {
  /** What the customer stops getting on a channel ("marketing emails"). */
  what: Record<Channel, string>;
  confirmTitle: (what: string) => string;
  confirmBody: (what: string) => string;
  confirmButton: string;
  doneTitle: string;
  done: (what: string) => string;
  already: (what: string) => string;
  transactional: string;
  changedMind: string;
  invalidTitle: string;
  invalidHeading: string;
  invalidBody: string;
}

const TEXT = {
  en: {
    what: { email: 'marketing emails', sms: 'marketing text messages', push: 'marketing notifications' },
    confirmTitle: (what) => `Unsubscribe from ${what}?`,
    confirmBody: (what) => `Press the button to stop receiving ${what} from us.`,
    confirmButton: 'Unsubscribe',
    doneTitle: 'You are unsubscribed',
    done: (what) => `Done: we will not send you any more ${what}.`,
    already: (what) => `You had already unsubscribed: we will not send you ${what}.`,
    transactional: 'Messages you need about your account or orders, such as receipts, may still reach you.',
    changedMind: 'Changed your mind? Contact us and we will subscribe you again.',
    invalidTitle: 'This link is not valid',
    invalidHeading: 'This unsubscribe link is not valid',
    invalidBody: 'The link may have been cut short or changed when it was copied. Please use the unsubscribe link from the message itself, or reply to the message and we will unsubscribe you.',
  },
  it: {
    what: { email: 'email promozionali', sms: 'SMS promozionali', push: 'notifiche promozionali' },
    confirmTitle: (what) => `Vuoi smettere di ricevere ${what}?`,
    confirmBody: (what) => `Premi il pulsante per non ricevere più ${what} da noi.`,
    confirmButton: 'Annulla l\u2019iscrizione',
    doneTitle: 'Iscrizione annullata',
    done: (what) => `Fatto: non ti invieremo più ${what}.`,
    already: (what) => `Avevi già annullato l\u2019iscrizione: non ti invieremo ${what}.`,
    transactional: 'I messaggi che riguardano il tuo account o i tuoi ordini, come le ricevute, potrebbero comunque arrivarti.',
    changedMind: 'Hai cambiato idea? Contattaci e ti iscriveremo di nuovo.',
    invalidTitle: 'Questo link non è valido',
    invalidHeading: 'Questo link per annullare l\u2019iscrizione non è valido',
    invalidBody: 'Il link potrebbe essere stato troncato o modificato durante la copia. Usa il link per annullare l\u2019iscrizione presente nel messaggio, oppure rispondi al messaggio e annulleremo l\u2019iscrizione.',
  },
} satisfies Record<PageLanguage, UnsubscribeText>;

const STYLE = raw(`body{margin:0;font:17px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;background:#f5f5f4;color:#1c1917}
main{max-width:32rem;margin:12vh auto 0;padding:2rem 1.5rem;background:#fff;border-radius:12px}
h1{font-size:1.5rem;line-height:1.3;margin:0 0 1rem}
p{margin:0 0 1rem}
button{font:inherit;padding:.7rem 1.5rem;min-height:2.75rem;border:0;border-radius:.4rem;background:#1c1917;color:#fff;cursor:pointer}
button:focus-visible{outline:3px solid #1a56db;outline-offset:3px}
@media (prefers-color-scheme:dark){body{background:#1c1917;color:#f5f5f4}main{background:#292524}button{background:#f5f5f4;color:#1c1917}}`);

function page(lang: PageLanguage, title: string, body: Html): string {
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
<style>
${STYLE}
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`.toString();
}

/**
 * Shown for GET and HEAD: asks before changing anything. The form posts back to the same link
 * with `confirm` (proof the POST came from this page, not a blind request to the link).
 */
export function confirmUnsubscribePage(lang: PageLanguage, channel: Channel, confirm: string): string {
  const t = TEXT[lang];
  const what = t.what[channel];
  return page(
    lang,
    t.confirmTitle(what),
    html`<h1>${t.confirmTitle(what)}</h1>
<p>${t.confirmBody(what)}</p>
<p>${t.transactional}</p>
<form method="post" action=""><input type="hidden" name="confirm" value="${confirm}"><button type="submit">${t.confirmButton}</button></form>`,
  );
}

/** Shown after an unsubscribe (the first or a repeated one), and for a link already used. */
export function unsubscribedPage(lang: PageLanguage, channel: Channel, already: boolean): string {
  const t = TEXT[lang];
  const what = t.what[channel];
  return page(
    lang,
    t.doneTitle,
    html`<h1>${t.doneTitle}</h1>
<p role="status">${already ? t.already(what) : t.done(what)}</p>
<p>${t.transactional}</p>
<p>${t.changedMind}</p>`,
  );
}

/** Shown for a token that was changed, cut short or never issued. */
export function invalidLinkPage(lang: PageLanguage): string {
  const t = TEXT[lang];
  return page(lang, t.invalidTitle, html`<h1>${t.invalidHeading}</h1>
<p role="alert">${t.invalidBody}</p>`);
}
