// A static page server on another origin than the API, as a shop's site would be: serves the
// given paths (`.js` as JavaScript, the rest as HTML), 404 for anything else.
import { createServer } from 'node:http';

export interface PageServer {
  /** Listen on a random local port; resolves to the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export function pageServer(files: Record<string, string>): PageServer {
  const server = createServer((request, response) => {
    const body = files[request.url ?? ''];
    if (body === undefined) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': request.url!.endsWith('.js') ? 'text/javascript' : 'text/html; charset=utf-8' }).end(body);
  });
  return {
    listen: () => new Promise((done) => server.listen(0, '127.0.0.1', () => done(`http://127.0.0.1:${(server.address() as { port: number }).port}`))),
    close: () => new Promise((done) => server.close(() => done())),
  };
}
