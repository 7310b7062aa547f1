/**
 * What a `Range` header asks of a body of `size` bytes (RFC 9110 §14.1.2, §14.2), for a route
 * that serves at most one range:
 * - `whole`: send the whole body with 200 — no header, a malformed one (another unit, a
 *   `first-last` with last < first, anything but one `bytes=` range; a server may ignore any Range
 *   header it does not understand, §14.2), several ranges (this server never answers
 *   multipart/byteranges; the whole body is always a correct answer), or the one satisfiable form
 *   on an empty body (a suffix `bytes=-N`, N > 0, §14.1.1), which no `Content-Range` can express;
 * - `part`: 206 with bytes `start`…`end` (inclusive; `end` clipped to the last byte);
 * - `unsatisfiable`: 416 with `Content-Range: bytes *\/size` (§14.4, §15.5.17) — a first byte at or
 *   past the end (`bytes=999999-` of 12 bytes; any `first-` on an empty body) or a suffix of 0.
 */
export type ByteRange = { kind: 'whole' } | { kind: 'part'; start: number; end: number } | { kind: 'unsatisfiable' };

const WHOLE: ByteRange = { kind: 'whole' };

/** Reads a `Range` header against a body of `size` bytes (see ByteRange). */
export const parseByteRange = (header: string | null, size: number): ByteRange => {
  const match = header ? /^bytes=(\d*)-(\d*)$/i.exec(header.trim()) : null;
  if (!match || (match[1] === '' && match[2] === '')) return WHOLE;
  if (match[1] === '') {
    // "bytes=-N": the last N bytes (all of them when the body is shorter).
    const suffix = Number(match[2]);
    if (suffix === 0) return { kind: 'unsatisfiable' };

    return size === 0 ? WHOLE : { kind: 'part', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const last = match[2] === '' ? Infinity : Number(match[2]);
  if (last < start) return WHOLE;
  if (start >= size) return { kind: 'unsatisfiable' };

  return { kind: 'part', start, end: Math.min(last, size - 1) };
};
