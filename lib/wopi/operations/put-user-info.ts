// PutUserInfo: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/files/putuserinfo
import { badRequest } from '@/lib/wopi/errors';
import { emptyResponse } from '@/lib/wopi/response';
import type { WopiOperation } from '@/lib/wopi/types';

export const USER_INFO_MAX_BYTES = 1024;

/** Reads what is left of a refused body and drops it, in the background. */
const discardRest = (reader: ReadableStreamDefaultReader<Uint8Array>) => {
  const pump = (): Promise<void> => reader.read().then(({ done }) => (done ? undefined : pump()));
  pump().catch(() => {});
};

/**
 * Keeps at most `limit` + 1 bytes of a body: an oversized one is refused as soon as that many
 * arrived. The rest is read and dropped rather than cancelled: cancelling a request body made by
 * Readable.toWeb while the client still sends makes Node 20 throw "Controller is already
 * closed" outside any handler (nodejs/node#54205), and a body left unread would stall the
 * connection. Node's requestTimeout bounds how long a client may keep sending.
 */
const readLimited = async (request: Request, limit: number) => {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      discardRest(reader);
      throw badRequest(`UserInfo longer than ${limit} bytes`);
    }
    chunks.push(value);
  }

  return Buffer.concat(chunks).toString('utf8');
};

/** PUT_USER_INFO: stores the body (≤ 1024 bytes) for this user; CheckFileInfo returns it as UserInfo. */
export const putUserInfo: WopiOperation = async ({ request, ports, user }) => {
  const info = await readLimited(request, USER_INFO_MAX_BYTES);
  await ports.users.setUserInfo(user.id, info);

  return emptyResponse(200);
};
