import { zipDownload } from '@/lib/api/files/zip';
import { withUser } from '@/lib/api/handler';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** GET ?id=<document id>…&folder=<path>… → a streamed application/zip. Any signed-in user. */
export const GET = withUser(async ({ request }) => zipDownload(request));
