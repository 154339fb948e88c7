// The Touchpoint API client: import { createTouchpointClient, TouchpointApiError } from 'touchpoint/client'.
export { createTouchpointClient, type BatchItemInput, type BatchResult, type EventResult, type AliasInput, type GroupInput, type IdentifyInput, type PageInput, type ScreenInput, type ReportOptions, type RunFilter, type TouchpointClient, type TouchpointClientOptions, type TrackInput } from './touchpoint-client';
export { TouchpointApiError } from './errors';
export { RUN_LIST_STATUSES } from './schemas';
export type { AuditEntry, CustomerView, RunDetail, RunListStatus, RunPage, RunSummary } from '../support/types';
export type { JourneyReport, Rate, ReportQuery, SplitReport, StepReport, SurveyKindReport, VariantReport } from '../analytics/types';
