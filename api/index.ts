// The HTTP API's public surface.
export { createApiServer, type ApiServerDeps } from './server';
export { HttpError } from './http-error';
export { openApiDocument } from './openapi';
export * from './schemas';
