import { dispatchContentsOverride, dispatchFileOverride } from '@/lib/wopi/dispatch';
import { checkFileInfo } from '@/lib/wopi/operations/check-file-info';
import { getFile } from '@/lib/wopi/operations/get-file';
import type { WopiOperation } from '@/lib/wopi/types';

/** Paths this host answers as WOPI: everything under /wopi, never handed to the portal's router. */
export const isWopiPath = (pathname: string) => pathname === '/wopi' || pathname.startsWith('/wopi/');

const FILE = /^\/wopi\/files\/([^/]+)$/;
const CONTENTS = /^\/wopi\/files\/([^/]+)\/contents$/;

type Route = { pattern: RegExp; methods: Record<string, WopiOperation>; allow: string };

/** `allow` (the 405's Allow header) is built here, once. */
const route = (pattern: RegExp, methods: Record<string, WopiOperation>): Route => ({
  pattern,
  methods,
  allow: Object.keys(methods).join(', '),
});

const ROUTES: Route[] = [
  route(FILE, { GET: checkFileInfo, POST: dispatchFileOverride }),
  route(CONTENTS, { GET: getFile, POST: dispatchContentsOverride }),
];

export type WopiRouteMatch =
  | { kind: 'operation'; operation: WopiOperation; fileId: string; name: 'files' | 'contents' }
  /** The path exists, the method does not (HEAD, OPTIONS, PUT, …): 405 with `allow`. */
  | { kind: 'method-not-allowed'; allow: string }
  /** Trailing slashes, unknown paths: 404, never a redirect (it would echo the query's token). */
  | { kind: 'not-found' }
  /** A file id with a malformed percent escape or invalid UTF-8 ("%E0%A4%A", "%C0%AE", "%"). */
  | { kind: 'bad-request'; reason: string };

/** Decodes one path segment; null when its escapes are malformed or not UTF-8. */
const decodeSegment = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
};

/**
 * The one WOPI route table ([MS-WOPI] 3.3.5: /wopi/files/{id} and /wopi/files/{id}/contents),
 * used by `npm start`, `npm run dev` and the integration tests alike (lib/server/wopi-http.ts).
 * `pathname` is the raw request path without the query.
 */
export const matchWopiRoute = (method: string, pathname: string): WopiRouteMatch => {
  for (let index = 0; index < ROUTES.length; index++) {
    const { pattern, methods, allow } = ROUTES[index]!;
    const match = pattern.exec(pathname);
    if (!match) continue;
    const operation = methods[method];
    if (!operation) return { kind: 'method-not-allowed', allow };
    const fileId = decodeSegment(match[1]!);
    if (fileId === null) return { kind: 'bad-request', reason: 'malformed percent escape in the file id' };

    return { kind: 'operation', operation, fileId, name: index === 0 ? 'files' : 'contents' };
  }

  return { kind: 'not-found' };
};
