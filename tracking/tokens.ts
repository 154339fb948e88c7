// The signed tokens in tracking URLs: an open pixel names one message; a click link names one
// message and the index of a URL that message's template contained (never the URL itself).
import { z } from 'zod';
import { signToken, verifyToken } from '../consent/signed-token';

export const OPEN_PURPOSE = 'touchpoint.open.v1';
export const CLICK_PURPOSE = 'touchpoint.click.v1';

const MessageRef = {
  /** Message key (the message log row). */
  k: z.string().min(1),
  /** Customer id. */
  c: z.string().min(1),
  /** Journey id. */
  j: z.string().min(1),
  /** Step id. */
  s: z.string().min(1),
};
export const OpenTokenSchema = z.object({ ...MessageRef });
export const ClickTokenSchema = z.object({ ...MessageRef, i: z.number().int().min(0) });

export type OpenToken = z.output<typeof OpenTokenSchema>;
export type ClickToken = z.output<typeof ClickTokenSchema>;

export const signOpenToken = (secret: string, body: OpenToken): string => signToken(secret, OPEN_PURPOSE, body);
export const signClickToken = (secret: string, body: ClickToken): string => signToken(secret, CLICK_PURPOSE, body);
export const verifyOpenToken = (secret: string, token: string): OpenToken | null => verifyToken(secret, OPEN_PURPOSE, token, OpenTokenSchema);
export const verifyClickToken = (secret: string, token: string): ClickToken | null => verifyToken(secret, CLICK_PURPOSE, token, ClickTokenSchema);
