import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll } from 'vitest';
import { env } from '@/lib/env';
import { onClientError } from '@/lib/server/api-errors';
import { createFrontServer } from '@/lib/server/front-server';
import { createPortalListener } from '@/lib/server/portal-listener';
import type { Permission } from '@/lib/tokens/permissions';
import { type EditorProduct, mintAccessToken } from '@/lib/tokens/tokens';

type CallOptions = {
  token: string;
  headers?: Record<string, string>;
  body?: BodyInit | null;
  /** Send the token as Authorization: Bearer instead of ?access_token=. */
  bearer?: boolean;
};

let server: Promise<{ server: Server; origin: string }> | undefined;

/**
 * The production request listener (lib/server/portal-listener.ts, what `npm start` serves) on a
 * free loopback port, started once per test file; non-WOPI paths answer 404 (Next.js is not
 * part of this tier).
 */
export const wopiServer = () =>
  (server ??= new Promise((resolve, reject) => {
    let origin = '';
    // The production front server, listener and clientError answer (lib/server/serve.ts builds the same).
    const http = createFrontServer(
      (req, res) => createPortalListener({ other: (_req, response) => response.writeHead(404).end() })(req, res),
      { idleTimeoutMs: env.CLIENT_IDLE_TIMEOUT_MS, onClientError },
    );
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => {
      origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
      resolve({ server: http, origin });
    });
  }));

afterAll(async () => {
  if (!server) return;
  const { server: http } = await server;
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
  server = undefined;
});

const call = async (path: string, method: string, options: CallOptions) => {
  const { origin } = await wopiServer();
  const query = options.bearer ? '' : `?access_token=${encodeURIComponent(options.token)}`;

  return fetch(`${origin}${path}${query}`, {
    method,
    headers: { ...(options.bearer ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers },
    body: options.body ?? null,
    redirect: 'manual',
    duplex: 'half',
  } as RequestInit);
};

/** Real HTTP to the production WOPI router (real Postgres, real S3), as an editor calls it. */
export const wopi = {
  checkFileInfo: (fileId: string, options: CallOptions) => call(`/wopi/files/${fileId}`, 'GET', options),
  getFile: (fileId: string, options: CallOptions) => call(`/wopi/files/${fileId}/contents`, 'GET', options),
  putFile: (fileId: string, options: CallOptions) =>
    call(`/wopi/files/${fileId}/contents`, 'POST', {
      ...options,
      headers: { 'X-WOPI-Override': 'PUT', ...options.headers },
    }),
  override: (fileId: string, override: string, options: CallOptions) =>
    call(`/wopi/files/${fileId}`, 'POST', { ...options, headers: { 'X-WOPI-Override': override, ...options.headers } }),
};

/** `editor`: the product the token is minted for (its UTF-7 rules apply to names it sends). */
export const tokenFor = async (
  documentId: string,
  userId: string,
  permissions: Permission[] = ['read', 'write', 'rename', 'delete', 'create'],
  client?: string,
  editor?: EditorProduct,
) => (await mintAccessToken({ documentId, userId, permissions, client, editor })).token;

export const bytesOf = async (response: Response) => Buffer.from(await response.arrayBuffer());
