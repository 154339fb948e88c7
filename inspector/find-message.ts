// Finds a message by its key through its run: keys are `<workflowId>/<runId>/<step>/<visit>[/attempt-n]`
// and workflow ids hold a varying number of slashes, so every possible prefix is tried (at most a few).
import type { MessageRow } from '../store/types';
import type { SupportService } from '../support/types';

export async function findMessage(service: Pick<SupportService, 'getRun'>, messageKey: string): Promise<MessageRow | null> {
  const parts = messageKey.split('/');
  if (parts[0] !== 'journey') return null;
  // A workflow id has at least 3 parts; the key adds run id, step and visit after it.
  for (let end = parts.length - 3; end >= 3; end--) {
    const run = await service.getRun(parts.slice(0, end).join('/'));
    const message = run?.messages.find((m) => m.messageKey === messageKey);
    if (message) return message;
  }
  return null;
}
