// PutUserInfo: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/files/putuserinfo
import { badRequest } from '@/lib/wopi/errors';
import { emptyResponse } from '@/lib/wopi/response';
import type { WopiOperation } from '@/lib/wopi/types';

export const USER_INFO_MAX_BYTES = 1024;

/** Reads at most `limit` + 1 bytes of a body, so an oversized one is refused without reading it all. */
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
      await reader.cancel();
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
