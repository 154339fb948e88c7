// Signed survey tokens and links: who is asked (customer), in which run step, about which
// message, on which scale, until when. HMAC-bound to their own purpose (consent/signed-token).
import { z } from 'zod';
import { signToken, verifyToken } from '../consent/signed-token';
import { isValidScore, type SurveyKind } from './scoring';

const PURPOSE = 'touchpoint.survey.v1';

export interface SurveyClaims {
  surveyId: string;
  kind: SurveyKind;
  customerId: string;
  journeyId: string;
  stepId: string;
  /** The message that carried the survey: the key of the stored answer (one per message). */
  messageKey: string;
  /** After this instant (ISO) the link answers 410. */
  expiresAt: string;
}

const PayloadSchema = z.strictObject({
  s: z.string().min(1),
  k: z.enum(['nps', 'csat', 'ces']),
  c: z.string().min(1),
  j: z.string().min(1),
  st: z.string().min(1),
  m: z.string().min(1),
  exp: z.number().int().nonnegative(),
});

export function signSurveyToken(secret: string, claims: SurveyClaims): string {
  const exp = Math.floor(Date.parse(claims.expiresAt) / 1000);
  if (!Number.isFinite(exp)) throw new RangeError(`Survey ${claims.surveyId}: expiresAt "${claims.expiresAt}" is not an ISO date.`);
  return signToken(secret, PURPOSE, { s: claims.surveyId, k: claims.kind, c: claims.customerId, j: claims.journeyId, st: claims.stepId, m: claims.messageKey, exp });
}

/** The claims of a token this secret signed (expired or not: the caller decides); null otherwise. */
export function verifySurveyToken(secret: string, token: string): SurveyClaims | null {
  const p = verifyToken(secret, PURPOSE, token, PayloadSchema);
  if (p === null) return null;
  return { surveyId: p.s, kind: p.k, customerId: p.c, journeyId: p.j, stepId: p.st, messageKey: p.m, expiresAt: new Date(p.exp * 1000).toISOString() };
}

/**
 * `<publicUrl>/s/<token>`, with `?score=N` for a one-click score button in an email (the page
 * opens with that score chosen; the customer still confirms, so link scanners never answer).
 */
export function surveyLink(publicUrl: string, secret: string, claims: SurveyClaims, score?: number): string {
  const base = `${publicUrl.replace(/\/+$/, '')}/s/${signSurveyToken(secret, claims)}`;
  if (score === undefined) return base;
  if (!isValidScore(claims.kind, score)) throw new RangeError(`Survey ${claims.surveyId}: ${score} is not on the ${claims.kind} scale.`);
  return `${base}?score=${score}`;
}
