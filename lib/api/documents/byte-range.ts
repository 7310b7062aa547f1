/**
 * The one byte range of a `Range: bytes=…` header (RFC 9110 §14.1.2) over a body of `size`
 * bytes, as `{ start, end }` (inclusive), or null to send the whole body with 200: no header,
 * another unit, several ranges, a malformed or an unsatisfiable value (a server may ignore any
 * Range header, and the whole body is always a correct answer).
 */
export const parseByteRange = (header: string | null, size: number): { start: number; end: number } | null => {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!match || (match[1] === '' && match[2] === '') || size === 0) return null;
  if (match[1] === '') {
    // "bytes=-N": the last N bytes.
    const suffix = Number(match[2]);

    return suffix === 0 ? null : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const last = match[2] === '' ? size - 1 : Number(match[2]);
  if (last < start || start >= size) return null;

  return { start, end: Math.min(last, size - 1) };
};
