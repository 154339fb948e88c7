// The support service's public surface: the contract, the factory and its error type.
export type * from './types';
export { createSupportService, type SupportServiceDeps } from './service';
export { SupportError, isSupportError, type SupportErrorCode } from './errors';
export { parseJourneyWorkflowId } from './run-summary';
