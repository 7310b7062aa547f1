import { db, sql } from '@/lib/db';
import { isUuid } from '@/lib/documents/queries';
import type { UserPort } from '@/lib/wopi/ports';

export const prismaUserPort: UserPort = {
  // A disabled user is no user: their tokens are refused (401) until they are enabled again.
  get: async (id) =>
    isUuid(id)
      ? db.user.findFirst({
          where: { id, disabledAt: null },
          select: { id: true, email: true, name: true, role: true, wopiUserInfo: true },
        })
      : null,
  setUserInfo: async (id, info) => {
    await db.user.update({ where: { id }, data: { wopiUserInfo: info } });
  },
};

// Token ids this process has already recorded: skips the INSERT on every later CheckFileInfo.
// Only a cache: Postgres decides the first use, so several instances still audit one open.
const SEEN_MAX = 10_000;
const seen = new Set<string>();

type TokenUse = { tokenId: string; documentId: string; userId: string };

/** One INSERT … ON CONFLICT DO NOTHING: the row count says whether this was the first use. */
export const markTokenUsed = async ({ tokenId, documentId, userId }: TokenUse) => {
  if (seen.has(tokenId)) return false;
  const { rowCount } = await sql(
    'INSERT INTO "WopiTokenUse" ("tokenId", "documentId", "userId") VALUES ($1, $2::uuid, $3::uuid) ON CONFLICT ("tokenId") DO NOTHING',
    [tokenId, documentId, userId],
  );
  if (seen.size >= SEEN_MAX) seen.clear();
  seen.add(tokenId);

  return rowCount === 1;
};
