// The one error handler: HttpErrors as they are, Fastify's body-parsing errors mapped to
// clear 4xx answers, anything else a logged 500. Every body is `{ error: { code, message } }`.
import type { FastifyError, FastifyInstance } from 'fastify';
import { HttpError } from './http-error';

/** Fastify's own request errors (all caused by the client) → our codes and messages. */
function fromFastify(error: FastifyError, bodyLimit: number): HttpError | null {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpError(413, 'payload_too_large', `The body is larger than ${bodyLimit} bytes; send fewer events per call (POST /v1/batch takes up to 500 small events).`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpError(415, 'unsupported_media_type', 'Send the body as JSON with `Content-Type: application/json`.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpError(400, 'invalid_json', 'The body is empty; send a JSON object (see GET /openapi.json).');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new HttpError(400, 'invalid_json', 'The body is not valid JSON, or uses the forbidden key "__proto__"; send one JSON object (see GET /openapi.json).');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HttpError(400, 'bad_request', 'The Content-Length header does not match the body.');
  }
  if (error instanceof SyntaxError || error.statusCode === 400) {
    return new HttpError(400, 'invalid_json', `The body is not valid JSON (${error.message}).`);
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new HttpError(error.statusCode, 'bad_request', error.message);
  }
  return null;
}

export function installErrorHandling(app: FastifyInstance, bodyLimit: number, log: (line: string) => void): void {
  app.setErrorHandler<FastifyError>((error, request, reply) => {
    let http = error instanceof HttpError ? error : fromFastify(error, bodyLimit);
    if (!http) {
      log(`touchpoint api: ${request.method} ${request.url} failed: ${error.stack ?? error.message}`);
      http = new HttpError(500, 'internal', 'Touchpoint failed to handle this request; the server log has the details. Retrying with the same messageId is safe.');
    } else if (http.status >= 500) {
      log(`touchpoint api: ${request.method} ${request.url}: ${http.message}`);
    }
    return reply.code(http.status).headers(http.headers).send(http.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    const http = new HttpError(404, 'not_found', `There is no route ${request.method} ${path}. GET /openapi.json lists every route.`);
    return reply.code(404).send(http.toBody());
  });
}
