import { withUser } from '@/lib/api/handler';
import { downloadVersion } from '@/lib/api/documents/versions';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** One version's bytes as a download (any signed-in user). */
export const GET = withUser<{ id: string; version: string }>(({ params, user }) =>
  downloadVersion({ documentId: params.id, version: params.version, user }),
);
