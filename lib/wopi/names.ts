import { nameProblem, NAME_MAX_LENGTH } from '@/lib/names';

export { nameProblem };

const FORBIDDEN = /[\u0000-\u001f\u007f"*:<>?/\\|]/g;

/** Turns a requested name into a legal one: forbidden characters → "_", trimmed, shortened (keeping the extension). */
export const legalizeName = (requested: string) => {
  let name = requested.replace(FORBIDDEN, '_').trim().replace(/\.+$/, '');
  if (name === '' || name === '.' || name === '..') name = 'Document';
  if (name.length > NAME_MAX_LENGTH) {
    const dot = name.lastIndexOf('.');
    const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
    name = `${name.slice(0, NAME_MAX_LENGTH - extension.length).trimEnd()}${extension}`;
  }

  return name;
};
