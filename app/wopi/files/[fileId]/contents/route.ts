import { dispatchContentsOverride } from '@/lib/wopi/dispatch';
import { withWopi } from '@/lib/wopi/handler';
import { getFile } from '@/lib/wopi/operations/get-file';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** GET GetFile; POST (X-WOPI-Override: PUT) PutFile. */
export const GET = withWopi(getFile);
export const POST = withWopi(dispatchContentsOverride);
