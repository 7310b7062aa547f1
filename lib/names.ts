/** File and folder name rules, shared by the server and the upload UI (no server imports). */

/**
 * The longest name, in UTF-8 bytes. S3 allows 1024-byte keys with any segment length, but the
 * stores people run next to this portal keep each key segment as a file name, and Linux file
 * names are at most 255 bytes: MinIO stores `<segment>/xl.meta`, and the embedded S3 server
 * (s3rver, lib/stores/filesystem.js) stores `<segment>._S3rver_metadata.json` — 22 bytes more,
 * so 255 − 22 = 233. A longer segment left a half-written object there that broke listing and
 * health. One rule for every store, so a document can always move between them.
 */
export const NAME_MAX_BYTES = 233;

// Characters Office, SharePoint and Windows refuse in file names, plus control characters.
export const FORBIDDEN_NAME_CHARS = /[\u0000-\u001f\u007f"*:<>?/\\|]/;

/**
 * Characters that make a name look like another (Trojan Source, CVE-2021-42574): C1 controls,
 * text-direction embeddings, overrides, isolates and marks (U+202A–U+202E, U+2066–U+2069,
 * U+200E/U+200F, U+061C), and invisible format characters (zero-width space, word joiner, BOM,
 * soft hyphen, tag characters…: Unicode category Cf). Zero-width (non-)joiners U+200C/U+200D are
 * allowed between two visible characters, where Persian, Indic scripts and emoji sequences need
 * them; U+FFFD means the name was not valid text where it came from (a lone surrogate, bad UTF-8).
 */
const DECEPTIVE = /[\p{Cc}\p{Cf}\p{Cs}\uFFFD]/gu;
const isJoinerAllowed = (name: string, index: number, char: string) =>
  (char === '\u200c' || char === '\u200d') &&
  index > 0 &&
  index < name.length - 1 &&
  !/\s/u.test(name[index - 1]!) &&
  !/\s/u.test(name[index + 1]!);

/** The first deceptive character of `name` (see DECEPTIVE) with its index, or null. */
const findDeceptive = (name: string) => {
  for (const match of name.matchAll(DECEPTIVE)) {
    if (!isJoinerAllowed(name, match.index, match[0])) return match[0];
  }

  return null;
};

/** "U+202E" for a character (lone surrogates included). */
export const codePointLabel = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * `name` with every deceptive character shown as "⟨U+202E⟩", for listing names other tools put in
 * the bucket: a reader sees what the name really is, never the trick it would play.
 */
export const visibleName = (name: string) =>
  name.replace(DECEPTIVE, (char, index: number) =>
    isJoinerAllowed(name, index, char) ? char : `⟨${codePointLabel(char)}⟩`,
  );

/** Names are stored in Unicode NFC, so "é" typed or pasted either way is one name. */
export const normalizeName = (name: string) => (name.isWellFormed() ? name.normalize('NFC') : name);

const encoder = new TextEncoder();

/** Bytes `text` takes in UTF-8 (what storage counts). */
export const utf8Length = (text: string) => encoder.encode(text).length;

/** Why a name is refused, as data: `rule` and the values its message names (API error details). */
export type NameIssue =
  | { rule: 'empty' | 'spaces' | 'dots' | 'trailing_dot' }
  | { rule: 'char'; char: string }
  | { rule: 'broken' | 'invisible'; codePoint: string }
  | { rule: 'too_long'; bytes: number; maxBytes: number };

/**
 * Why `name` cannot be a file or folder name, or null when it can. `maxBytes` (UTF-8) defaults
 * to NAME_MAX_BYTES; callers pass less where the folder path leaves less of S3's 1024-byte key.
 * `isForeign`: a name another tool put in the bucket, checked for what the portal cannot
 * represent only (deceptive characters are shown, not refused). `char` is JSON-quoted ("\"", "\u0001").
 */
export const nameIssue = (name: string, { maxBytes = NAME_MAX_BYTES, isForeign = false } = {}): NameIssue | null => {
  if (name.length === 0) return { rule: 'empty' };
  if (name.trim() !== name) return { rule: 'spaces' };
  if (name === '.' || name === '..') return { rule: 'dots' };
  if (name.endsWith('.')) return { rule: 'trailing_dot' };
  const bad = FORBIDDEN_NAME_CHARS.exec(name);
  if (bad) return { rule: 'char', char: JSON.stringify(bad[0]) };
  // Names other tools already wrote are listed (with such characters made visible: visibleName).
  const deceptive = isForeign ? null : findDeceptive(name);
  if (deceptive === '\uFFFD' || (deceptive && /\p{Cs}/u.test(deceptive)))
    return { rule: 'broken', codePoint: codePointLabel(deceptive) };
  if (deceptive) return { rule: 'invisible', codePoint: codePointLabel(deceptive) };
  const bytes = utf8Length(name);
  if (bytes > maxBytes) return { rule: 'too_long', bytes, maxBytes };

  return null;
};

/** A NameIssue in English (the CLI's and WOPI's wording; the portal API says it in the reader's language). */
export const nameIssueText = (issue: NameIssue): string => {
  switch (issue.rule) {
    case 'empty':
      return 'The name is empty.';
    case 'spaces':
      return 'The name must not start or end with a space.';
    case 'dots':
      return 'The name cannot be "." or "..".';
    case 'trailing_dot':
      return 'The name must not end with a dot.';
    case 'char':
      return `The name must not contain ${issue.char}.`;
    case 'broken':
      return `The name is not valid text (${issue.codePoint}: a broken character where it came from).`;
    case 'invisible':
      return `The name must not contain the invisible or text-direction character ${issue.codePoint}: it can make a name look like another.`;
    case 'too_long':
      return `The name is too long: ${issue.bytes} bytes in UTF-8, at most ${issue.maxBytes} here (a Latin letter takes 1 byte, an accented one 2, most other scripts 3).`;
  }
};

/** Why `name` cannot be a file or folder name, in English (nameIssueText of nameIssue), or null when it can. */
export const nameProblem = (name: string, options: { maxBytes?: number; isForeign?: boolean } = {}): string | null => {
  const issue = nameIssue(name, options);

  return issue ? nameIssueText(issue) : null;
};

/** The longest prefix of `text` within `maxBytes` of UTF-8, never splitting a character. */
export const cutToBytes = (text: string, maxBytes: number) => {
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    bytes += utf8Length(char);
    if (bytes > maxBytes) break;
    end += char.length;
  }

  return text.slice(0, end);
};

/** Trailing dots and spaces (in any order, e.g. "report ." or "a. .") are illegal: strip them all. */
const stripEnds = (name: string) => name.trim().replace(/[\s.]+$/u, '');

/**
 * `name` shortened to `maxBytes` of UTF-8, keeping its extension (up to 16 characters) and
 * leaving no trailing dot or space. Names that fit are returned unchanged.
 */
export const fitName = (name: string, maxBytes: number) => {
  if (utf8Length(name) <= maxBytes) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  const base = stripEnds(cutToBytes(name.slice(0, name.length - extension.length), maxBytes - utf8Length(extension)));

  return base ? `${base}${extension}` : cutToBytes(name, maxBytes);
};

/**
 * What legalizeName keeps of `requested` before it trims and shortens: NFC, forbidden characters
 * → "_", deceptive ones (DECEPTIVE) dropped, surrounding spaces trimmed. Callers that judge a
 * name's shape ("only an extension?") judge this, not what the client sent: "\uFEFF.docx" is ".docx".
 */
export const cleanName = (requested: string) => {
  const replaced = normalizeName(requested).replace(new RegExp(FORBIDDEN_NAME_CHARS.source, 'g'), '_');

  return replaced
    .replace(DECEPTIVE, (char, index: number) => (isJoinerAllowed(replaced, index, char) ? char : ''))
    .trim();
};

/** Turns a requested name into a legal one: forbidden characters → "_", trimmed, shortened (keeping the extension). */
export const legalizeName = (requested: string, maxBytes = NAME_MAX_BYTES) => {
  let name = stripEnds(cleanName(requested));
  if (name === '') name = 'Document';
  name = stripEnds(fitName(name, maxBytes));

  return nameProblem(name, { maxBytes }) ? 'Document' : name;
};
