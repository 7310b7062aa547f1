import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { LOCALES } from '@/lib/i18n/locales';

const root = path.resolve(import.meta.dirname, '../../..');
type Tree = { [key: string]: string | Tree };
const messagesOf = (locale: string) =>
  JSON.parse(readFileSync(path.join(root, 'messages', `${locale}.json`), 'utf8')) as Tree;

const flatten = (tree: Tree, prefix = ''): Map<string, string> => {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(full, value);
    else for (const [k, v] of flatten(value, full)) out.set(k, v);
  }

  return out;
};

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);

    return /\.(ts|tsx)$/.test(name) ? [full] : [];
  });

const en = flatten(messagesOf('en'));

describe('messages/*.json', () => {
  it.each(LOCALES)('%s has exactly the keys of en.json, none empty, each a valid ICU message', (locale) => {
    const messages = flatten(messagesOf(locale));
    expect([...messages.keys()].sort()).toEqual([...en.keys()].sort());
    for (const [key, text] of messages) {
      expect(text.trim(), key).not.toBe('');
      expect(() => new IntlMessageFormat(text, locale), key).not.toThrow();
    }
  });

  it('every namespace and key the code names exists in en.json', () => {
    const namespaces = new Set([...en.keys()].map((key) => key.split('.').slice(0, -1).join('.')));
    const files = ['app', 'components', 'lib'].flatMap((dir) => sourceFiles(path.join(root, dir)));
    let checked = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      // useTranslations('ns') / getTranslations('ns'), bound to a name, then name('key').
      for (const match of text.matchAll(
        /const (\w+) = (?:await )?(?:useTranslations|getTranslations)\('([\w.]+)'\)/g,
      )) {
        const [, name, namespace] = match;
        expect(namespaces.has(namespace!), `${file}: namespace ${namespace}`).toBe(true);
        for (const call of text.matchAll(new RegExp(`\\b${name}(?:\\.rich)?\\('([\\w.]+)'`, 'g'))) {
          expect(en.has(`${namespace}.${call[1]}`), `${file}: ${namespace}.${call[1]}`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});
