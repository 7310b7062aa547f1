import { request as httpRequest } from 'node:http';
import { portalOrigin } from './portal-http';

type StreamCall = {
  method?: string;
  cookie?: string;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Sees the body as it arrives (text); returning `'close'` destroys the connection there, as a closed browser tab would. */
  onChunk?: (text: string) => 'close' | void;
};

/**
 * One request to the portal over HTTP (node:http, so the test sees each chunk as the server
 * writes it and can hang up mid-body). Resolves with the status, the headers, the body read so
 * far and whether the test closed the connection early.
 */
export const streamCall = (path: string, { method = 'GET', cookie, body, headers = {}, onChunk }: StreamCall = {}) =>
  new Promise<{ status: number; headers: Record<string, unknown>; body: string; closedEarly: boolean }>(
    (resolve, reject) => {
      const req = httpRequest(
        `${portalOrigin()}${path}`,
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

/**
 * A request whose body stops short: the headers (with e.g. a `content-length` larger than what
 * follows), then `body`, and then nothing more. With `hangUp`, the client then closes the
 * connection (a browser tab closed mid-upload) and this resolves with status null once it is
 * closed; without it, this resolves with the server's answer (status and text), sent while the
 * rest of the body is still owed, and then closes the connection.
 */
export const partialRequest = (
  path: string,
  {
    method = 'POST',
    headers = {},
    body,
    hangUp = false,
  }: {
    method?: string;
    headers?: Record<string, string>;
    body: Buffer | string;
    hangUp?: boolean;
  },
) =>
  new Promise<{ status: number | null; body: string }>((resolve, reject) => {
    const req = httpRequest(`${portalOrigin()}${path}`, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode!, body: text });
        req.destroy();
      });
      res.on('error', () => {});
    });
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    req.on('close', () => resolve({ status: null, body: '' }));
    req.write(body, () => {
      if (hangUp) req.destroy();
    });
  });
