import { dispatchContentsOverride, dispatchFileOverride } from '@/lib/wopi/dispatch';
import { checkFileInfo } from '@/lib/wopi/operations/check-file-info';
import { getFile } from '@/lib/wopi/operations/get-file';
import type { WopiOperation } from '@/lib/wopi/types';

const FILE = /^\/wopi\/files\/([^/]+)$/;
const CONTENTS = /^\/wopi\/files\/([^/]+)\/contents$/;

/**
 * The WOPI routes as data: the same operations the app/wopi route files export, for servers
 * that answer /wopi without the framework (lib/server).
 */
export const matchWopiRoute = (
  method: string,
  pathname: string,
): { operation: WopiOperation; fileId: string } | null => {
  const file = FILE.exec(pathname);
  if (file) {
    if (method === 'GET') return { operation: checkFileInfo, fileId: decodeURIComponent(file[1]!) };
    if (method === 'POST') return { operation: dispatchFileOverride, fileId: decodeURIComponent(file[1]!) };

    return null;
  }
  const contents = CONTENTS.exec(pathname);
  if (contents) {
    if (method === 'GET') return { operation: getFile, fileId: decodeURIComponent(contents[1]!) };
    if (method === 'POST') return { operation: dispatchContentsOverride, fileId: decodeURIComponent(contents[1]!) };
  }

  return null;
};
