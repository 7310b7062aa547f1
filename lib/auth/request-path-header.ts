/**
 * The request header through which the portal listener (lib/server/security-headers.ts
 * setPortalRequestHeaders) tells pages the path and query the browser asked for; whatever a
 * client sends under this name is replaced. No imports: the listener runs without Next.js.
 */
export const REQUEST_PATH_HEADER = 'x-portal-request-path';
