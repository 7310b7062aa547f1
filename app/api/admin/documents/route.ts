import { withAdmin } from '@/lib/api/handler';
import { checkUploadFromRequest, uploadDocumentFromRequest } from '@/lib/api/documents/upload-request';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** POST raw file bytes; ?folder=&name=&onConflict=fail|replace|rename. Streams to the bucket. */
export const POST = withAdmin(({ request, user }) => uploadDocumentFromRequest({ request, user }));

/** ?folder=&name= → `{exists, suggestion?}`: lets the UI ask about a name clash before uploading. */
export const GET = withAdmin(({ request }) => checkUploadFromRequest({ request }));
