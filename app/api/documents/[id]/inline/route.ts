import { withUser } from '@/lib/api/handler';
import { inlineDocument } from '@/lib/api/documents/inline';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** A PDF or raster image shown by the browser itself (sandboxed, nosniff); anything else downloads. */
export const GET = withUser<{ id: string }>(({ params, request }) => inlineDocument({ id: params.id, request }));
