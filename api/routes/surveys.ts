// GET/POST /s/<token>: the hosted survey page. GET shows the kind's scale (a `?score=N` from a
// one-click email button preselects it); POST stores the answer (a second answer updates the
// one row), scores the comment's sentiment and sends `survey.responded` through the event path.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { scoreSentiment } from '../../sentiment';
import { pickPageLanguage, type PageLanguage } from '../../render/page-language';
import { invalidSurveyPage, surveyFormPage, thanksPage } from '../../surveys/page';
import { categorize, isValidScore } from '../../surveys/scoring';
import { verifySurveyToken, type SurveyClaims } from '../../surveys/tokens';
import type { LoggedEventInput, Store } from '../../store/types';

export interface SurveyRoutesDeps {
  store: Store;
  /** The HMAC secret survey links are signed with (resolveSecret). */
  secret: string;
  /** The event path: `(e) => ingest({ store, router }, e)` so the answer reaches the waiting run. */
  ingest: (event: LoggedEventInput) => Promise<unknown>;
  /** The clock for expiry and answer times. @default () => new Date() */
  now?: () => Date;
}

const QuerySchema = z.object({ score: z.coerce.number().int().optional().catch(undefined), lang: z.string().optional().catch(undefined) });
const FormSchema = z.object({
  score: z.coerce.number().int().optional().catch(undefined),
  comment: z.string().optional().catch(undefined),
});

export function surveyRoutes(deps: SurveyRoutesDeps): (app: FastifyInstance) => Promise<void> {
  const now = deps.now ?? (() => new Date());
  return async (app) => {
    // Scoped to this plugin: the JSON API keeps refusing forms.
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16_384 }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });

    /**
     * The verified claims and the page language (`?lang=`, then the customer's traits.locale, then
     * Accept-Language), or null after sending the 400/410 page.
     */
    const open = async (request: FastifyRequest<{ Params: { '*': string } }>, reply: FastifyReply, explicit: string | undefined): Promise<{ claims: SurveyClaims; lang: PageLanguage } | null> => {
      // The token is in the URL: never cache the page, never send it on as a referrer.
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').header('x-robots-tag', 'noindex');
      reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'").type('text/html; charset=utf-8');
      const acceptLanguage = request.headers['accept-language'];
      const claims = verifySurveyToken(deps.secret, request.params['*']);
      if (!claims) {
        void reply.code(400).send(invalidSurveyPage(pickPageLanguage({ explicit, acceptLanguage }), false));
        return null;
      }
      const contact = await deps.store.getContact(claims.customerId);
      const lang = pickPageLanguage({ explicit, locale: contact?.traits.locale, acceptLanguage });
      if (Date.parse(claims.expiresAt) <= now().getTime()) {
        void reply.code(410).send(invalidSurveyPage(lang, true));
        return null;
      }
      return { claims, lang };
    };

    // A wildcard, not `:token`: tokens are longer than Fastify's 100-character limit on a named parameter.
    app.get<{ Params: { '*': string } }>('/s/*', async (request, reply) => {
      const query = QuerySchema.parse(request.query ?? {});
      const opened = await open(request, reply, query.lang);
      if (!opened) return reply;
      const { claims, lang } = opened;
      const previous = await deps.store.getSurveyResponse(claims.messageKey);
      const preset = query.score !== undefined && isValidScore(claims.kind, query.score) ? query.score : previous?.score;
      return reply.code(200).send(surveyFormPage({ kind: claims.kind, lang, score: preset, comment: previous?.comment ?? undefined }));
    });

    app.post<{ Params: { '*': string } }>('/s/*', async (request, reply) => {
      const query = QuerySchema.parse(request.query ?? {});
      const opened = await open(request, reply, query.lang);
      if (!opened) return reply;
      const { claims, lang } = opened;
      const form = FormSchema.parse(typeof request.body === 'object' && request.body !== null ? request.body : {});
      const comment = form.comment?.trim() ? form.comment.trim().slice(0, 2000) : null;
      if (form.score === undefined || !isValidScore(claims.kind, form.score)) {
        return reply.code(422).send(surveyFormPage({ kind: claims.kind, lang, comment: comment ?? undefined, missingScore: true }));
      }
      const category = categorize(claims.kind, form.score);
      const sentiment = comment ? scoreSentiment(comment) : null;
      const at = now().toISOString();
      const saved = await deps.store.saveSurveyResponse({
        messageKey: claims.messageKey,
        surveyId: claims.surveyId,
        customerId: claims.customerId,
        journeyId: claims.journeyId,
        stepId: claims.stepId,
        kind: claims.kind,
        score: form.score,
        category,
        comment,
        sentimentScore: sentiment?.score ?? null,
        at,
      });
      // One event per answer (the revision makes each messageId unique) so the run sees the
      // latest one; analytics count the survey_responses row, which stays one per message.
      await deps.ingest({
        messageId: `survey:${claims.surveyId}:${claims.messageKey}:${saved.revision}`,
        type: 'track',
        customerId: claims.customerId,
        event: 'survey.responded',
        properties: {
          survey_id: claims.surveyId,
          kind: claims.kind,
          score: form.score,
          category,
          comment,
          sentiment: sentiment?.label ?? null,
          sentiment_score: sentiment?.score ?? null,
          journey_id: claims.journeyId,
          step_id: claims.stepId,
          message_key: claims.messageKey,
          revision: saved.revision,
        },
        traits: {},
        timestamp: at,
      });
      return reply.code(200).send(thanksPage(lang));
    });
  };
}
