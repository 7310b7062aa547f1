import { withUser } from '@/lib/api/handler';
import { listRecentDocuments } from '@/lib/search/recent';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** The signed-in user's recently opened or saved documents (at most 20, newest first, one per document). */
export const GET = withUser(async ({ user }) => {
  const documents = await listRecentDocuments(user.id);

  return Response.json(
    {
      documents: documents.map((doc) => ({
        ...doc,
        lastModifiedAt: doc.lastModifiedAt.toISOString(),
        lastUsedAt: doc.lastUsedAt.toISOString(),
      })),
    },
    { headers: { 'Cache-Control': 'no-store' } },
  );
});
