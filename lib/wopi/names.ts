import { FORBIDDEN_NAME_CHARS, NAME_MAX_LENGTH, nameProblem } from '@/lib/names';

export { nameProblem };

const FORBIDDEN = new RegExp(FORBIDDEN_NAME_CHARS.source, 'g');

/** Trailing dots and spaces (in any order, e.g. "report ." or "a. .") are illegal: strip them all. */
const stripEnds = (name: string) => name.trim().replace(/[\s.]+$/u, '');

/** Cuts at most `max` UTF-16 units without splitting a surrogate pair. */
const cut = (text: string, max: number) => {
  let end = Math.min(text.length, max);
  if (end > 0 && end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end--;

  return text.slice(0, end);
};

/** Turns a requested name into a legal one: forbidden characters → "_", trimmed, shortened (keeping the extension). */
export const legalizeName = (requested: string) => {
  let name = stripEnds(requested.replace(FORBIDDEN, '_'));
  if (name === '') name = 'Document';
  if (name.length > NAME_MAX_LENGTH) {
    const dot = name.lastIndexOf('.');
    const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
    name = `${stripEnds(cut(name.slice(0, name.length - extension.length), NAME_MAX_LENGTH - extension.length))}${extension}`;
  }

  return nameProblem(name) ? 'Document' : name;
};
