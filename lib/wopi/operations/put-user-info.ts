// PutUserInfo: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/files/putuserinfo
import type { Readable } from 'node:stream';
import { bodyAlreadyFailed } from '@/lib/errors';
import { badRequest } from '@/lib/wopi/errors';
import { emptyResponse } from '@/lib/wopi/response';
import type { WopiOperation } from '@/lib/wopi/types';

export const USER_INFO_MAX_BYTES = 1024;

/**
 * Keeps at most `limit` + 1 bytes of a body: an oversized one is refused as soon as that many
 * arrived. The rest is read and dropped rather than the stream destroyed: destroying the request
 * mid-body would close the connection before the 400 is sent (and cancelling a Readable.toWeb
 * body made Node 20 throw outside any handler: nodejs/node#54205); the edge then drains or closes
 * (lib/server/wopi-http.ts). The front server's idle limit (CLIENT_IDLE_TIMEOUT_MS,
 * lib/server/front-server.ts) bounds how long a client may stay silent mid-body.
 */
const readLimited = (body: Readable, limit: number) =>
  new Promise<Buffer>((resolve, reject) => {
    const failed = bodyAlreadyFailed(body);
    if (failed) return reject(failed);
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total <= limit) return void chunks.push(chunk);
      body.off('data', onData).on('data', () => {});
      reject(badRequest(`UserInfo longer than ${limit} bytes`));
    };
    body.on('data', onData);
    body.once('end', () => resolve(Buffer.concat(chunks)));
    body.once('error', reject);
  });

// ignoreBOM: a leading U+FEFF is part of what the editor sent, and is kept.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The body as text: UTF-8 without NUL, or a 400. Replacing bad bytes with U+FFFD would store
 * something the editor never sent, and Postgres refuses NUL in text (which was a 500).
 */
const userInfoText = (bytes: Buffer) => {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw badRequest('UserInfo is not valid UTF-8');
  }
  if (text.includes('\u0000')) throw badRequest('UserInfo contains a NUL character');

  return text;
};

/** PUT_USER_INFO: stores the body (≤ 1024 bytes of UTF-8, no NUL) for this user; CheckFileInfo returns it as UserInfo. */
export const putUserInfo: WopiOperation = async ({ request, ports, user }) => {
  const info = userInfoText(await readLimited(request.body(), USER_INFO_MAX_BYTES));
  await ports.users.setUserInfo(user.id, info);

  return emptyResponse(200);
};
