/**
 * The search's "type" filter: a kind of document (its extensions, lower case as stored in
 * Document.extension) or one extension.
 */
export const SEARCH_KINDS = {
  documents: { label: 'Documents', extensions: ['doc', 'docx', 'docm', 'dot', 'dotx', 'dotm', 'odt', 'ott', 'rtf'] },
  spreadsheets: {
    label: 'Spreadsheets',
    extensions: ['xls', 'xlsx', 'xlsm', 'xlsb', 'xlt', 'xltx', 'xltm', 'ods', 'ots', 'csv'],
  },
  presentations: {
    label: 'Presentations',
    extensions: ['ppt', 'pptx', 'pptm', 'pot', 'potx', 'potm', 'pps', 'ppsx', 'odp', 'otp'],
  },
  pdfs: { label: 'PDFs', extensions: ['pdf'] },
  images: { label: 'Images', extensions: ['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'bmp', 'tif', 'tiff'] },
  text: { label: 'Text', extensions: ['txt', 'md'] },
} as const satisfies Record<string, { label: string; extensions: readonly string[] }>;

export type SearchKind = keyof typeof SEARCH_KINDS;

export const SEARCH_KIND_NAMES = Object.keys(SEARCH_KINDS) as SearchKind[];

/**
 * Whether `value` names a kind. An own key only: `in` also finds Object.prototype's "constructor"
 * and "__proto__", which made ?type=constructor a kind without extensions (no .constructor file
 * found) and ?type=__proto__ no 400.
 */
export const isSearchKind = (value: string): value is SearchKind => Object.hasOwn(SEARCH_KINDS, value);

/** An extension as the type filter takes it: letters and digits, at most 15, without the dot. */
export const EXTENSION_SHAPE = /^[a-z0-9]{1,15}$/;

/**
 * The extensions a `type` value selects: a kind's list, or the one extension (".PDF" → ["pdf"]).
 * Returns null for anything else.
 */
export const extensionsOfType = (type: string): readonly string[] | null => {
  const value = type.trim().toLowerCase().replace(/^\./, '');
  if (isSearchKind(value)) return SEARCH_KINDS[value].extensions;

  return EXTENSION_SHAPE.test(value) ? [value] : null;
};
