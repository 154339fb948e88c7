// inspectorRoutes: the web inspector under /inspector as a Fastify plugin for createApiServer —
// sign-in with a support key, customer and run pages, message previews, support actions, and
// the journeys' reports.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { authFailuresFor, type AuthFailures } from '../api/auth-failures';
import { isSupportError } from '../support/errors';
import type { Actor, SupportService } from '../support/types';
import type { JourneySnapshot } from '../dsl/schema';
import type { InspectorSessionStore } from '../store/inspector-sessions';
import { customerPage } from './customer-page';
import { errorPage, loginPage, searchPage } from './login-page';
import { customerHref, runHref } from './layout';
import { messagePage, PREVIEW_CSP } from './message-page';
import { findMessage } from './find-message';
import { withoutTrackingPixel } from '../tracking/rewrite-links';
import { runPage } from './run-page';
import { journeysPage, reportPage } from './report-page';
import { parseReportQuery, rangeForm } from './report-query';
import { csrfToken, csrfValid, findKey, mayInspect, newSession, readSession, sessionCookie, sessionToken, type InspectorKey, type Session } from './session';
import { APP_CSS } from './styles';

export interface InspectorDeps {
  service: SupportService;
  /** The loaded journeys, listed on the journeys page with links to their reports (the service's own list). @default [] */
  journeys?: readonly JourneySnapshot[];
  /** Keys that may sign in; only `support` and `admin` keys are let in. */
  keys: InspectorKey[];
  /** HMAC secret for session cookies and CSRF tokens (TOUCHPOINT_SECRET). */
  secret: string;
  /** Where signing out is recorded, so a signed-out cookie is refused even if replayed (`store.inspectorSessions`). */
  sessions: InspectorSessionStore;
  /** Mark the session cookie `Secure` (set when the inspector is served over HTTPS). @default false */
  secureCookies?: boolean;
  /** The clock sessions expire by. @default Date.now */
  now?: () => number;
  /** Where failed sign-ins are counted per client address (429 once over the limit). @default the count the API keeps for the same `keys` */
  failures?: AuthFailures;
  /** Where failures go. @default a line on stderr */
  log?: (line: string) => void;
}

/** No scripts at all; frames only from the inspector itself (the email preview). */
const PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const NOTICES = { exited: 'The run was exited.', 'exited-all': 'Every running run of this customer was exited.', consent: 'Consent changed.' } as const;
const NoticeSchema = z.enum(['exited', 'exited-all', 'consent']).optional().catch(undefined);
const ReasonSchema = z.string().trim().min(1, 'Give a reason: it goes to the audit log.').max(500);
const ConsentFormSchema = z.object({ channel: z.enum(['email', 'sms', 'push']), status: z.enum(['subscribed', 'unsubscribed']), reason: ReasonSchema });
const FormSchema = z.record(z.string(), z.string());

type Signed = { session: Session; csrf: string };

export function inspectorRoutes(deps: InspectorDeps): (app: FastifyInstance) => Promise<void> {
  const now = deps.now ?? Date.now;
  const log = deps.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const secure = deps.secureCookies ?? false;
  const { service, secret } = deps;
  const journeys = deps.journeys ?? [];
  const failures = deps.failures ?? authFailuresFor(deps.keys);

  return async (app) => {
    // HTML forms post urlencoded bodies; parsed here only, so the JSON API stays JSON-only.
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    app.addHook('onSend', async (_request, reply) => {
      if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', PAGE_CSP);
      reply.header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer').header('cache-control', 'no-store');
    });
    app.setErrorHandler(async (error: unknown, request, reply) => {
      const status = statusOf(error);
      const message = error instanceof z.ZodError ? error.issues.map((issue) => issue.message).join('; ') : error instanceof Error ? error.message : String(error);
      if (status >= 500) log(`touchpoint inspector: ${request.method} ${request.url} failed: ${error instanceof Error ? (error.stack ?? message) : message}`);
      const signed = await signedIn(request).catch(() => null);
      const title = status === 404 ? 'Not found' : status === 503 && isSupportError(error) ? 'Unavailable' : status >= 500 ? 'Something went wrong' : 'That did not work';
      return sendHtml(reply.code(status), errorPage(signed, title, message));
    });

    /** The request's session: signed by us, unexpired, its key still configured, and not signed out. */
    const signedIn = async (request: FastifyRequest): Promise<Signed | null> => {
      const session = readSession(secret, deps.keys, request.headers.cookie, now());
      if (!session || (await deps.sessions.isEnded(session.sid))) return null;
      return { session, csrf: csrfToken(secret, session) };
    };
    /** The session, or null after answering with a redirect to the sign-in page. */
    const requireSession = async (request: FastifyRequest, reply: FastifyReply): Promise<Signed | null> => {
      const signed = await signedIn(request);
      if (!signed) void reply.redirect(`/inspector/login?next=${encodeURIComponent(request.url)}`, 303);
      return signed;
    };
    /** The session and the posted form, or null after answering (redirect, or 403 for a bad CSRF token). */
    const requireForm = async (request: FastifyRequest, reply: FastifyReply): Promise<{ signed: Signed; form: Record<string, string>; actor: Actor } | null> => {
      const signed = await requireSession(request, reply);
      if (!signed) return null;
      const form = FormSchema.safeParse(request.body ?? {});
      if (!form.success || !csrfValid(secret, signed.session, form.data.csrf)) {
        void sendHtml(reply.code(403), errorPage(signed, 'Form expired', 'This form was not sent from this inspector session (its security token is missing or old). Go back, reload the page and try again.'));
        return null;
      }
      return { signed, form: form.data, actor: { name: signed.session.name, role: signed.session.role } };
    };

    app.get('/inspector/assets/app.css', async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(APP_CSS));

    app.get('/inspector/login', async (request, reply) => {
      const next = safeNext(z.object({ next: z.string().optional() }).catch({}).parse(request.query).next);
      if (await signedIn(request)) return reply.redirect(next, 303);
      return sendHtml(reply, loginPage({ next }));
    });
    app.post('/inspector/login', async (request, reply) => {
      const form = FormSchema.catch({}).parse(request.body ?? {});
      const next = safeNext(form.next);
      const tooMany = (seconds: number) =>
        sendHtml(reply.code(429).header('retry-after', String(seconds)), loginPage({ next, message: `Too many failed sign-ins from this address. Try again in ${Math.ceil(seconds / 60)} minute(s).` }));
      const wait = await failures.blockedFor(request.ip);
      if (wait !== null) return tooMany(wait);
      const key = findKey(deps.keys, form.key ?? '');
      if (!key) {
        const over = await failures.fail(request.ip);
        if (over !== null) return tooMany(over);
        return sendHtml(reply.code(401), loginPage({ next, message: 'This key is not valid. Check it for typos, or ask whoever runs Touchpoint for a support key.' }));
      }
      if (!mayInspect(key.role)) {
        return sendHtml(reply.code(403), loginPage({ next, message: `The key "${key.name}" has the role ${key.role}, which may only send events. Sign in with a key whose role is support or admin.` }));
      }
      reply.header('set-cookie', sessionCookie(sessionToken(secret, newSession(key, now())), secure));
      return reply.redirect(next, 303);
    });
    app.post('/inspector/logout', async (request, reply) => {
      const posted = await requireForm(request, reply);
      if (!posted) return reply;
      // Ended on the server too: the cookie, if kept or copied, is refused from now on.
      const { session } = posted.signed;
      await deps.sessions.end(session.sid, new Date(session.exp).toISOString(), new Date(now()).toISOString());
      reply.header('set-cookie', sessionCookie(null, secure));
      return reply.redirect('/inspector/login', 303);
    });

    app.get('/inspector', async (request, reply) => {
      const signed = await requireSession(request, reply);
      if (!signed) return reply;
      const query = z.object({ q: z.string().trim().optional() }).catch({}).parse(request.query).q;
      if (!query) return sendHtml(reply, searchPage(signed));
      const found = await service.findCustomer(query);
      if (found) return reply.redirect(customerHref(found.contact.customerId), 303);
      return sendHtml(reply.code(404), searchPage(signed, { query, message: `No customer has the id, email or phone "${query}". Emails match whatever their case; phones match as stored (E.164, e.g. +14155550100).` }));
    });

    app.get<{ Params: { id: string } }>('/inspector/customers/:id', async (request, reply) => {
      const signed = await requireSession(request, reply);
      if (!signed) return reply;
      const query = z.object({ runs: z.string().optional(), notice: NoticeSchema }).catch({}).parse(request.query);
      const view = await service.findCustomer(request.params.id);
      if (!view || view.contact.customerId !== request.params.id) return sendHtml(reply.code(404), errorPage(signed, 'Not found', `There is no customer with the id "${request.params.id}". Search by email or phone instead.`));
      const runs = await service.listRuns({ customerId: view.contact.customerId, pageSize: 25, ...(query.runs ? { pageToken: query.runs } : {}) });
      return sendHtml(reply, customerPage(signed, view, runs, query.notice && NOTICES[query.notice]));
    });
    app.post<{ Params: { id: string } }>('/inspector/customers/:id/exit-all', async (request, reply) => {
      const posted = await requireForm(request, reply);
      if (!posted) return reply;
      const reason = ReasonSchema.parse(posted.form.reason);
      await service.exitAllRuns(request.params.id, { reason, actor: posted.actor });
      return reply.redirect(`${customerHref(request.params.id)}?notice=exited-all`, 303);
    });
    app.post<{ Params: { id: string } }>('/inspector/customers/:id/consent', async (request, reply) => {
      const posted = await requireForm(request, reply);
      if (!posted) return reply;
      const change = ConsentFormSchema.parse(posted.form);
      await service.setChannelConsent(request.params.id, { ...change, actor: posted.actor });
      return reply.redirect(`${customerHref(request.params.id)}?notice=consent`, 303);
    });

    app.get<{ Params: { workflowId: string } }>('/inspector/runs/:workflowId', async (request, reply) => {
      const signed = await requireSession(request, reply);
      if (!signed) return reply;
      const notice = z.object({ notice: NoticeSchema }).catch({}).parse(request.query).notice;
      const run = await service.getRun(request.params.workflowId);
      if (!run) return sendHtml(reply.code(404), errorPage(signed, 'Not found', `There is no run "${request.params.workflowId}". Run ids look like journey/<journey>/<customer>[/<entry key>]; open the customer to list their runs.`));
      return sendHtml(reply, runPage(signed, run, notice && NOTICES[notice]));
    });
    app.post<{ Params: { workflowId: string } }>('/inspector/runs/:workflowId/exit', async (request, reply) => {
      const posted = await requireForm(request, reply);
      if (!posted) return reply;
      const reason = ReasonSchema.parse(posted.form.reason);
      await service.exitRun(request.params.workflowId, { reason, actor: posted.actor });
      return reply.redirect(`${runHref(request.params.workflowId)}?notice=exited`, 303);
    });

    app.get('/inspector/journeys', async (request, reply) => {
      const signed = await requireSession(request, reply);
      if (!signed) return reply;
      return sendHtml(reply, journeysPage(signed, journeys));
    });
    app.get<{ Params: { journeyId: string } }>('/inspector/journeys/:journeyId/report', async (request, reply) => {
      const signed = await requireSession(request, reply);
      if (!signed) return reply;
      const { journeyId } = request.params;
      // An unknown journey or a bad range: the service's not_found / invalid becomes the error page.
      const query = parseReportQuery(journeyId, request.query, new Date(now()));
      const report = await service.journeyReport(query);
      return sendHtml(reply, reportPage(signed, report, rangeForm(report, query.bucket), journeys.find((s) => s.journey.id === journeyId)));
    });

    app.get<{ Params: { messageKey: string } }>('/inspector/messages/:messageKey', async (request, reply) => {
      const signed = await requireSession(request, reply);
      if (!signed) return reply;
      const message = await findMessage(service, request.params.messageKey);
      if (!message) return sendHtml(reply.code(404), errorPage(signed, 'Not found', `There is no message "${request.params.messageKey}". Open its run to see the run's messages.`));
      return sendHtml(reply, messagePage(signed, message));
    });
    app.get<{ Params: { messageKey: string } }>('/inspector/messages/:messageKey/preview', async (request, reply) => {
      const signed = await requireSession(request, reply);
      if (!signed) return reply;
      const message = await findMessage(service, request.params.messageKey);
      const body = message?.channel === 'email' && typeof message.content?.html === 'string' ? message.content.html : null;
      if (body === null) return reply.code(404).type('text/plain; charset=utf-8').header('content-security-policy', PREVIEW_CSP).send('This message has no email HTML to preview.');
      // The stored HTML as it was sent but for the open pixel; the sandbox CSP (and the frame's sandbox="")
      // keep it inert and load nothing remote, so a support agent's look is no open.
      return reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', PREVIEW_CSP)
        .header('x-frame-options', 'SAMEORIGIN')
        .header('referrer-policy', 'no-referrer')
        .header('cache-control', 'no-store')
        .send(withoutTrackingPixel(body));
    });
  };
}

function sendHtml(reply: FastifyReply, body: string): FastifyReply {
  return reply.type('text/html; charset=utf-8').send(body);
}

/** Only paths inside the inspector: a `next` of `//evil.example` or `https://…` would be an open redirect. */
function safeNext(next: string | undefined): string {
  return next && /^\/inspector(?:[/?][^\\\s]*)?$/.test(next) && !next.startsWith('//') ? next : '/inspector';
}

const SUPPORT_STATUS = { not_found: 404, not_running: 409, invalid: 400, unavailable: 503 } as const;

function statusOf(error: unknown): number {
  if (error instanceof z.ZodError) return 400;
  if (isSupportError(error)) return SUPPORT_STATUS[error.code];
  const status: unknown = typeof error === 'object' && error !== null ? ('status' in error ? error.status : 'statusCode' in error ? error.statusCode : undefined) : undefined;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}
