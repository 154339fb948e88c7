// Local TCP port helpers for the dev server launcher: find a free port, check a chosen one.
import { createServer } from 'node:net';

/** Bind `port` on `host` briefly: resolves to the bound port, rejects with the bind error (e.g. EADDRINUSE). */
function bindOnce(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      server.close(() => resolve(bound));
    });
  });
}

/** A port the OS says is free right now on `host` (another process may still take it before we do). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return bindOnce(0, host);
}

/** True when nothing listens on `port` at `host`. */
export async function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  try {
    await bindOnce(port, host);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') return false;
    throw error;
  }
}
