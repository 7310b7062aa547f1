import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll } from 'vitest';

type RouteHandler = (request: Request, context: { params: Promise<Record<string, never>> }) => Promise<Response>;

/**
 * App-router route handlers served over real HTTP on a free loopback port, the way Next.js runs
 * them: the Node request becomes a `Request` (its signal aborts when the client goes away), the
 * `Response` body is written as it is produced, and a client that disconnects mid-body cancels
 * the body's reader. Routes are matched by exact path; anything else answers 404. Stopped after
 * the test file.
 */
export const routeServer = (routes: Record<string, RouteHandler>) => {
  let started: Promise<{ server: Server; origin: string }> | undefined;

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    const handler = routes[url.pathname];
    if (!handler) {
      res.writeHead(404).end();

      return;
    }
    const aborted = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) aborted.abort();
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers))
      if (typeof value === 'string') headers.set(name, value);
      else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const request = new Request(url, {
      method: req.method,
      headers,
      body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
      signal: aborted.signal,
      duplex: 'half',
    } as RequestInit);
    const response = await handler(request, { params: Promise.resolve({}) });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (!response.body) {
      res.end();

      return;
    }
    const reader = response.body.getReader();
    aborted.signal.addEventListener('abort', () => void reader.cancel().catch(() => {}));
    try {
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        if (aborted.signal.aborted) break;
        res.write(next.value);
      }
      res.end();
    } catch {
      res.destroy();
    }
  };

  const start = () =>
    (started ??= new Promise((resolve, reject) => {
      const server = createServer((req, res) => {
        serve(req, res).catch(() => res.destroy());
      });
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () =>
        resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
      );
    }));

  afterAll(async () => {
    if (!started) return;
    const { server } = await started;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /**
   * One request over HTTP. `onChunk` sees the body as it arrives (text); returning `'close'`
   * destroys the connection there, as a closed browser tab would.
   */
  const call = async (
    path: string,
    {
      method = 'GET',
      cookie,
      body,
      headers = {},
      onChunk,
    }: {
      method?: string;
      cookie?: string;
      body?: unknown;
      headers?: Record<string, string>;
      onChunk?: (text: string) => 'close' | void;
    } = {},
  ) => {
    const { origin } = await start();

    return new Promise<{ status: number; headers: Record<string, unknown>; body: string; closedEarly: boolean }>(
      (resolve, reject) => {
        const req = httpRequest(
          `${origin}${path}`,
          {
            method,
            headers: {
              ...(cookie ? { cookie } : {}),
              ...(body === undefined ? {} : { 'content-type': 'application/json' }),
              ...headers,
            },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              text += chunk;
              if (onChunk?.(chunk) === 'close') {
                req.destroy();
                resolve({ status: res.statusCode!, headers: res.headers, body: text, closedEarly: true });
              }
            });
            res.on('end', () =>
              resolve({ status: res.statusCode!, headers: res.headers, body: text, closedEarly: false }),
            );
            res.on('error', () => {});
          },
        );
        req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
        req.end(body === undefined ? undefined : JSON.stringify(body));
      },
    );
  };

  return { call };
};
