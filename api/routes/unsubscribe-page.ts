// The small HTML pages an unsubscribe link shows: what happened, readable on a phone, no
// scripts or external resources (the token is in the URL, so no referrer leaves the page).
import type { Channel } from '../../dsl/schema';
import { escapeHtml as escape } from '../html';

const WHAT: Record<Channel, string> = { email: 'marketing emails', sms: 'marketing text messages', push: 'marketing notifications' };


function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escape(title)}</title>
<style>
body{margin:0;font:17px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;background:#f5f5f4;color:#1c1917}
main{max-width:32rem;margin:12vh auto 0;padding:2rem 1.5rem;background:#fff;border-radius:12px}
h1{font-size:1.5rem;line-height:1.3;margin:0 0 1rem}
p{margin:0 0 1rem}
@media (prefers-color-scheme:dark){body{background:#1c1917;color:#f5f5f4}main{background:#292524}}
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** Shown after an unsubscribe (the first or a repeated one). */
export function unsubscribedPage(channel: Channel, already: boolean): string {
  const what = WHAT[channel];
  return page(
    'You are unsubscribed',
    `<h1>You are unsubscribed</h1>
<p role="status">${already ? `You had already unsubscribed: we will not send you ${what}.` : `Done: we will not send you any more ${what}.`}</p>
<p>Messages you need about your account or orders, such as receipts, may still reach you.</p>
<p>Changed your mind? Contact us and we will subscribe you again.</p>`,
  );
}

/** Shown for a token that was changed, cut short or never issued. */
export function invalidLinkPage(): string {
  return page(
    'This link is not valid',
    `<h1>This unsubscribe link is not valid</h1>
<p role="alert">The link may have been cut short or changed when it was copied. Please use the unsubscribe link from the message itself, or reply to the message and we will unsubscribe you.</p>`,
  );
}
