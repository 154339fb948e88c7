// The events tracking produces, with messageIds fixed by what happened and when (one open per
// message per hour, one click per message, link and minute), so a repeat dedupes in the log.
import { createHash } from 'node:crypto';
import type { LoggedEventInput } from '../store/types';
import type { ClickToken, OpenToken } from './tokens';

const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 24);

export function openedEvent(token: OpenToken, privacyProxy: boolean, at: Date): LoggedEventInput {
  const hour = at.toISOString().slice(0, 13);
  return {
    messageId: `email.opened/${shortHash(token.k)}/${hour}`,
    type: 'track',
    customerId: token.c,
    event: 'email.opened',
    properties: { message_key: token.k, journey_id: token.j, step_id: token.s, privacy_proxy: privacyProxy },
    traits: {},
    timestamp: at.toISOString(),
  };
}

export function clickedEvent(token: ClickToken, url: string, at: Date): LoggedEventInput {
  const minute = at.toISOString().slice(0, 16);
  return {
    messageId: `email.clicked/${shortHash(token.k)}/${token.i}/${minute}`,
    type: 'track',
    customerId: token.c,
    event: 'email.clicked',
    properties: { url, link_index: token.i, message_key: token.k, journey_id: token.j, step_id: token.s },
    traits: {},
    timestamp: at.toISOString(),
  };
}
