/** File and folder name rules, shared by the server and the upload UI (no server imports). */
export const NAME_MAX_LENGTH = 255;

// Characters Office, SharePoint and Windows refuse in file names, plus control characters.
export const FORBIDDEN_NAME_CHARS = /[\u0000-\u001f\u007f"*:<>?/\\|]/;

/** Why `name` cannot be a file or folder name, or null when it can. */
export const nameProblem = (name: string): string | null => {
  if (name.length === 0) return 'The name is empty.';
  if (name.trim() !== name) return 'The name must not start or end with a space.';
  if (name.length > NAME_MAX_LENGTH) return `The name is longer than ${NAME_MAX_LENGTH} characters.`;
  if (name === '.' || name === '..') return 'The name cannot be "." or "..".';
  if (name.endsWith('.')) return 'The name must not end with a dot.';
  const bad = FORBIDDEN_NAME_CHARS.exec(name);
  if (bad) return `The name must not contain ${JSON.stringify(bad[0])}.`;

  return null;
};
