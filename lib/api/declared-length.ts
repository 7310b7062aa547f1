/**
 * Next.js (16) drops `Content-Length` from every route handler's Response (send-response.ts:
 * its body may have been decoded on the way), so a download would reach the browser chunked,
 * without its size (no progress, no "x of y MB"). Routes that stream a body of known length
 * also name it in this internal header; the front process (lib/server/portal-proxy.ts) sends it
 * on as `Content-Length` and never passes the header itself to the client.
 */
export const DECLARED_LENGTH_HEADER = 'x-portal-content-length';

/** The headers that give a streamed body of `bytes` bytes its Content-Length on the wire. */
export const lengthHeaders = (bytes: number) => ({
  'Content-Length': String(bytes),
  [DECLARED_LENGTH_HEADER]: String(bytes),
});
