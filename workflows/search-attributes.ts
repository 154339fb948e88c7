// Custom search attributes every journey run carries, so runs are found without scanning.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const CUSTOMER_ID = defineSearchAttributeKey('TouchpointCustomer', SearchAttributeType.KEYWORD);
export const JOURNEY_ID = defineSearchAttributeKey('TouchpointJourney', SearchAttributeType.KEYWORD);
export const JOURNEY_VERSION = defineSearchAttributeKey('TouchpointJourneyVersion', SearchAttributeType.KEYWORD);
export const CURRENT_STEP = defineSearchAttributeKey('TouchpointStep', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [CUSTOMER_ID, JOURNEY_ID, JOURNEY_VERSION, CURRENT_STEP] as const;
