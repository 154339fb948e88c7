// How the support commands reach the Touchpoint API (TOUCHPOINT_URL + TOUCHPOINT_API_KEY) and
// turn its errors into one stderr message that names the id and what to try next.
import { loadConfig } from '../../config/env';
import { createTouchpointClient, TouchpointApiError, type TouchpointClient } from '../../client';
import type { CliIo } from '../io';

/** A client from the environment, or a message saying which variable to set. */
export function clientFromEnv(io: CliIo): { client: TouchpointClient; baseUrl: string } | { error: string } {
  let config;
  try {
    config = loadConfig(io.env, io.cwd);
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
  if (!config.TOUCHPOINT_API_KEY) {
    return {
      error:
        `no API key: set TOUCHPOINT_API_KEY to a support or admin key of the Touchpoint at ${config.TOUCHPOINT_URL} ` +
        `(on the machine running \`touchpoint start\`, the generated key is in ${config.dataDir}/api-key).`,
    };
  }
  return { client: createTouchpointClient({ baseUrl: config.TOUCHPOINT_URL, apiKey: config.TOUCHPOINT_API_KEY }), baseUrl: config.TOUCHPOINT_URL };
}

export interface ErrorContext {
  /** e.g. `touchpoint runs show` */
  command: string;
  /** What a 404 means here and what to try, e.g. `no run "journey/x/y"; list runs with: touchpoint runs list --customer y`. */
  notFound: string;
}

/** The lines to print on stderr for a failed call. */
export function describeError(error: unknown, context: ErrorContext): string {
  if (!(error instanceof TouchpointApiError)) throw error;
  const prefix = `${context.command}:`;
  switch (error.status) {
    case 404:
      return `${prefix} ${context.notFound}`;
    case 401:
      return `${prefix} the API refused the key (${error.message}) Set TOUCHPOINT_API_KEY to a valid support or admin key.`;
    case 403:
      return `${prefix} this API key may not do that (${error.message}). Support commands need a key with the support or admin role: set TOUCHPOINT_API_KEY to one.`;
    case 0:
      return `${prefix} ${error.message} Start it with \`touchpoint start\`, or point TOUCHPOINT_URL at it.`;
    default:
      return `${prefix} ${error.message}${error.issues.length > 0 ? `\n${error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}` : ''} (HTTP ${error.status}, ${error.code})`;
  }
}
