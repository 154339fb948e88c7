// The one error type of the support service: callers (HTTP routes, inspector) map its code.
export type SupportErrorCode =
  /** No customer or run with that id. */
  | 'not_found'
  /** The run is not running, so it cannot be exited. */
  | 'not_running'
  /** A filter or page token the service cannot use. */
  | 'invalid'
  /** Temporal or the database cannot be reached now (the message names which): try again later. */
  | 'unavailable';

export class SupportError extends Error {
  override readonly name = 'SupportError';

  constructor(
    readonly code: SupportErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** True for a SupportError, also across module copies (checks the name, not the class). */
export function isSupportError(error: unknown): error is SupportError {
  return error instanceof Error && error.name === 'SupportError' && 'code' in error;
}
