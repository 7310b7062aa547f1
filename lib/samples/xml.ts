import { strToU8, zipSync, type ZipOptions } from 'fflate';

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

// Characters that XML 1.0 forbids even when escaped; editors refuse the whole part if one slips in.
const INVALID_XML_CHARS =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export const escapeXml = (value: string): string =>
  value.replace(INVALID_XML_CHARS, '').replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);

export const xmlPart = (body: string): string => XML_DECLARATION + body;

// Local-time constructor on purpose: fflate writes DOS timestamps from local date fields, so this
// yields the same bytes in every timezone.
const FIXED_MTIME = new Date(2026, 0, 1, 0, 0, 0);

/** ISO timestamp matching FIXED_MTIME, for document metadata. */
export const FIXED_TIMESTAMP = '2026-01-01T00:00:00Z';

export type ZipEntry = { path: string; content: string | Uint8Array; store?: boolean };

/** Zips entries in the given order with a fixed mtime so output is reproducible byte-for-byte. */
export const zipEntries = (entries: ZipEntry[]): Uint8Array => {
  const files: Record<string, [Uint8Array, ZipOptions]> = {};
  for (const { path, content, store } of entries) {
    const data = typeof content === 'string' ? strToU8(content) : content;
    files[path] = [data, { level: store ? 0 : 6, mtime: FIXED_MTIME }];
  }
  return zipSync(files);
};
