// TouchpointApiError: every failed call of the client, with the API's status, code and message.

export class TouchpointApiError extends Error {
  override readonly name = 'TouchpointApiError';

  constructor(
    /** HTTP status; 0 when Touchpoint could not be reached at all. */
    readonly status: number,
    /** The API's stable code (`not_found`, `forbidden`, `invalid_request`...), `unreachable` or `invalid_response`. */
    readonly code: string,
    message: string,
    /** Validation problems of a 400, as the API sent them. */
    readonly issues: Array<{ path: Array<string | number>; message: string; code: string }> = [],
  ) {
    super(message);
  }
}
