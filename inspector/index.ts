// The web inspector for support staff: a Fastify plugin for createApiServer's `plugins`.
export { inspectorRoutes, type InspectorDeps } from './routes';
export type { InspectorKey } from './session';
