import { env } from '@/lib/env';
import { NAME_MAX_BYTES, nameIssue, nameIssueText, nameProblem, utf8Length, type NameIssue } from '@/lib/names';

export { nameProblem } from '@/lib/names';

/** Top-level folder (under S3_PREFIX) the portal keeps for itself: versions, trash. Never listed. */
export const INTERNAL_FOLDER = '.wopi';
const KEY_MAX_BYTES = 1024;
const FOLDER_MAX_DEPTH = 32;
/** Why a folder path is refused, as data (API error details): too deep, reserved, or a bad segment. */
export type FolderIssue =
  { rule: 'depth'; maxDepth: number } | { rule: 'reserved'; reserved: string } | (NameIssue & { segment: string });

/**
 * Normalises a user-given folder path ("/a//b/" → "a/b"); null with a reason when invalid:
 * `problem` in English, `issue` as data (what the portal API puts in the error's details).
 * `maxBytes` bounds each segment (NAME_MAX_BYTES for folders the portal makes).
 */
export const parseFolder = (
  input: string,
  { maxBytes = NAME_MAX_BYTES, isForeign = false } = {},
): { folder: string } | { problem: string; issue: FolderIssue } => {
  const segments = input.split('/').filter((segment) => segment.length > 0);
  if (segments.length > FOLDER_MAX_DEPTH)
    return {
      problem: `Folders can be at most ${FOLDER_MAX_DEPTH} deep.`,
      issue: { rule: 'depth', maxDepth: FOLDER_MAX_DEPTH },
    };
  if (segments[0] === INTERNAL_FOLDER)
    return { problem: `"${INTERNAL_FOLDER}" is reserved.`, issue: { rule: 'reserved', reserved: INTERNAL_FOLDER } };
  for (const segment of segments) {
    const issue = nameIssue(segment, { maxBytes, isForeign });
    if (issue) return { problem: `Folder "${segment}": ${nameIssueText(issue)}`, issue: { ...issue, segment } };
  }

  return { folder: segments.join('/') };
};

export const extensionOf = (name: string) => {
  const dot = name.lastIndexOf('.');

  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
};

export const documentKey = ({ folder, name }: { folder: string; name: string }) =>
  `${env.S3_PREFIX}${folder ? `${folder}/` : ''}${name}`;

export const folderPrefix = (folder: string) => `${env.S3_PREFIX}${folder ? `${folder}/` : ''}`;

export const isKeyTooLong = (key: string) => Buffer.byteLength(key) > KEY_MAX_BYTES;

/**
 * How many UTF-8 bytes a name may take in `folder`: NAME_MAX_BYTES, or less where S3_PREFIX and
 * the folder path leave less of S3's 1024-byte key. The one name-length rule for uploads, new
 * documents, the CLI and WOPI (CheckFileInfo's FileNameMaxLength is derived from it).
 */
export const nameBudget = (folder: string) =>
  Math.max(0, Math.min(NAME_MAX_BYTES, KEY_MAX_BYTES - utf8Length(folderPrefix(folder))));

/** Maps a bucket key back to folder and name; null for keys the portal does not show. */
export const parseKey = (key: string): { folder: string; name: string } | null => {
  if (!key.startsWith(env.S3_PREFIX)) return null;
  const relative = key.slice(env.S3_PREFIX.length);
  if (relative.endsWith('/')) return null;
  const slash = relative.lastIndexOf('/');
  const folder = slash >= 0 ? relative.slice(0, slash) : '';
  const name = slash >= 0 ? relative.slice(slash + 1) : relative;
  // Objects other tools wrote may have longer segments than the portal makes (MinIO and S3 allow
  // them): they are shown, and keep their name until renamed.
  const parsed = parseFolder(folder, { maxBytes: KEY_MAX_BYTES, isForeign: true });
  // Only canonical keys: "/a.docx" or "a//b.docx" would map to another object's key.
  if (
    'problem' in parsed ||
    parsed.folder !== folder ||
    nameProblem(name, { maxBytes: KEY_MAX_BYTES, isForeign: true })
  )
    return null;
  if (documentKey({ folder, name }) !== key) return null;

  return { folder, name };
};

export const internalKey = (...parts: string[]) => `${env.S3_PREFIX}${INTERNAL_FOLDER}/${parts.join('/')}`;
