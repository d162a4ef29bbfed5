/** What the local simulators' HTTP servers share: listening on loopback, JSON answers, stopping. */
import type http from 'node:http';

/** Listens on 127.0.0.1 (`port` 0: any free port); resolves to the server's base URL. */
export async function listenOnLoopback(server: http.Server, port = 0): Promise<string> {
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the simulator listens on no TCP port');
  return `http://127.0.0.1:${address.port}`;
}

/** Answers `body` as JSON; `cut`, only its first half (a malformed answer, for the fault tests). */
export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  cut = false,
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(cut ? text.slice(0, Math.floor(text.length / 2)) : text);
}

/** Stops the server, closing every connection (a hung request's too). */
export const stopServer = (server: http.Server): Promise<void> =>
  new Promise<void>((r) => {
    server.close(() => r());
    server.closeAllConnections();
  });
