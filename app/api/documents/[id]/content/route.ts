import { withUser } from '@/lib/api/handler';
import { downloadDocument } from '@/lib/api/documents/download';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Streams a document's bytes to a signed-in user as a download. */
export const GET = withUser<{ id: string }>(({ params }) => downloadDocument(params.id));
