// The event router's public surface.
export { createRouter, type Router, type RouterDeps } from './router';
export { RoutingResultSchema, RoutedRunSchema, type RoutingResult, type RoutedRun, type RunAction } from './result';
export { indexJourneys, listenedEvents, type JourneyIndex } from './journey-index';
