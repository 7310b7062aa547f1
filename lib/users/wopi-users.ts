import { db } from '@/lib/db';
import type { UserPort } from '@/lib/wopi/types';

export const prismaUserPort: UserPort = {
  get: async (id) =>
    /^[0-9a-f-]{36}$/i.test(id)
      ? db.user.findUnique({
          where: { id },
          select: { id: true, email: true, name: true, role: true, wopiUserInfo: true },
        })
      : null,
  setUserInfo: async (id, info) => {
    await db.user.update({ where: { id }, data: { wopiUserInfo: info } });
  },
};

/** One INSERT … ON CONFLICT DO NOTHING: the row count says whether this was the first use. */
export const markTokenUsed = async ({
  tokenId,
  documentId,
  userId,
}: {
  tokenId: string;
  documentId: string;
  userId: string;
}) => {
  const inserted = await db.$executeRaw`
    INSERT INTO "WopiTokenUse" ("tokenId", "documentId", "userId") VALUES (${tokenId}, ${documentId}::uuid, ${userId}::uuid)
    ON CONFLICT ("tokenId") DO NOTHING`;

  return inserted === 1;
};
