import { dispatchFileOverride } from '@/lib/wopi/dispatch';
import { withWopi } from '@/lib/wopi/handler';
import { checkFileInfo } from '@/lib/wopi/operations/check-file-info';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** GET CheckFileInfo; POST Lock, Unlock, RefreshLock, GetLock, PutRelativeFile, RenameFile, DeleteFile, PutUserInfo. */
export const GET = withWopi(checkFileInfo);
export const POST = withWopi(dispatchFileOverride);
