import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { payloadTooLarge } from '@/lib/api/errors';
import { localizedErrorMessage } from '@/lib/api/localized-error';
import { ERROR_CODES, type ErrorCode } from '@/lib/error-codes';
import { conflictError, DomainError, invalidInput, tooLargeError, unavailableError } from '@/lib/errors';
import { LOCALES } from '@/lib/i18n/locales';
import { nameIssue, nameIssueText } from '@/lib/names';
import { parseFolder } from '@/lib/storage/keys';
import { BodySizeMismatchError } from '@/lib/storage/objects';
import de from '@/messages/de.json';
import en from '@/messages/en.json';
import fr from '@/messages/fr.json';

const root = path.resolve(import.meta.dirname, '../../..');
const API_ERRORS: Record<string, Record<string, string>> = { en: en.apiErrors, de: de.apiErrors, fr: fr.apiErrors };
const CODES = Object.keys(ERROR_CODES) as ErrorCode[];

type Element = { type: number; value?: unknown; options?: Record<string, { value: Element[] }> };
// intl-messageformat's AST: 1 argument, 2 number, 3 date, 4 time, 5 select, 6 plural.
const ARGUMENT_TYPES = new Set([1, 2, 3, 4, 5, 6]);

/** Every ICU argument a message names, in every branch. */
const argumentsOf = (elements: Element[], into = new Set<string>()) => {
  for (const element of elements) {
    if (ARGUMENT_TYPES.has(element.type) && typeof element.value === 'string') into.add(element.value);
    for (const option of Object.values(element.options ?? {})) argumentsOf(option.value, into);
  }

  return into;
};

/** Every `select` option key of a message (what the details' `what`/`rule` may say). */
const selectKeysOf = (elements: Element[], into = new Set<string>()) => {
  for (const element of elements) {
    if (element.type === 5) for (const key of Object.keys(element.options ?? {})) into.add(key);
    for (const option of Object.values(element.options ?? {})) selectKeysOf(option.value, into);
  }

  return into;
};

const astOf = (text: string, locale: string) => new IntlMessageFormat(text, locale).getAst() as Element[];

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'generated' ? [] : sourceFiles(full);

    return /\.(ts|tsx)$/.test(name) ? [full] : [];
  });

describe('API error messages (messages/*.json apiErrors, codes in lib/error-codes.ts)', () => {
  it.each(LOCALES)('%s: every registered code has a message, and apiErrors holds nothing else', (locale) => {
    const messages = API_ERRORS[locale]!;
    const missing = CODES.filter((code) => typeof messages[code] !== 'string' || messages[code].trim() === '');
    expect(missing).toEqual([]);
    const unknown = Object.keys(messages).filter((key) => key !== 'topFolder' && !CODES.includes(key as ErrorCode));
    expect(unknown).toEqual([]);
  });

  it.each(LOCALES)("%s: every message's ICU parameters are details of its code", (locale) => {
    for (const code of CODES) {
      const used = argumentsOf(astOf(API_ERRORS[locale]![code]!, locale));
      const declared = new Set<string>(ERROR_CODES[code]);
      expect(
        [...used].filter((name) => !declared.has(name)),
        `${locale} ${code}`,
      ).toEqual([]);
    }
  });

  it('the three languages offer the same select branches for each code (a `what` English knows, German knows)', () => {
    for (const code of CODES) {
      const keys = (locale: string) => [...selectKeysOf(astOf(API_ERRORS[locale]![code]!, locale))].sort();
      // German and French may add branches for data English shows as it is (zod's own wording).
      for (const locale of ['de', 'fr'])
        expect(keys(locale), `${locale} ${code}`).toEqual(expect.arrayContaining(keys('en')));
    }
  });

  it("every `what: '…'` and `rule: '…'` the sources put in details is a branch of some message", () => {
    const branches = new Set(
      LOCALES.flatMap((locale) =>
        CODES.flatMap((code) => [...selectKeysOf(astOf(API_ERRORS[locale]![code]!, locale))]),
      ),
    );
    const files = ['app', 'lib'].flatMap((dir) => sourceFiles(path.join(root, dir)));
    const said = new Set<string>();
    for (const file of files)
      for (const match of readFileSync(file, 'utf8').matchAll(/\b(?:what|rule): '(\w+)'/g)) said.add(match[1]!);
    expect(said.size).toBeGreaterThan(20);
    expect([...said].filter((value) => !branches.has(value))).toEqual([]);
  });
});

describe('localizedErrorMessage', () => {
  const english = (error: { code: ErrorCode; message: string; details?: Record<string, unknown> }) =>
    localizedErrorMessage('en', error.code, error.details, error.message);

  it('English from messages/en.json is the wording the error was thrown with (names, folders, sizes)', () => {
    const longName = 'é'.repeat(200);
    const samples = [
      ...['', ' a', '..', 'a.', 'a:b', 'a\u0001b', 'a\u202eb', 'a\ufffdb', longName].map((name) => {
        const issue = nameIssue(name)!;

        return invalidInput('invalid_name', nameIssueText(issue), issue);
      }),
      ...['a/'.repeat(40), '.wopi/x', 'ok/bad:name', 'x/ y'].map((input) => {
        const parsed = parseFolder(input) as { problem: string; issue: Record<string, unknown> };

        return invalidInput('invalid_folder', parsed.problem, parsed.issue);
      }),
      tooLargeError(2 * 1024 ** 3),
      payloadTooLarge(1536),
      unavailableError('storage', 'down'),
      unavailableError('database', 'down'),
      new BodySizeMismatchError(10, 11),
      new BodySizeMismatchError(10, 4),
      conflictError('name_conflict', 'A folder named "b" already exists in "a/x".', {
        what: 'folder',
        name: 'b',
        folder: 'a/x',
      }),
      conflictError('name_conflict', 'A document named "r.docx" already exists in Documents.', {
        what: 'document',
        name: 'r.docx',
        folder: '',
      }),
      conflictError('locked', '"a/x.docx", "a/y.docx" are open for editing; try again when they are closed.', {
        what: 'documents',
        names: ['a/x.docx', 'a/y.docx'],
        count: 2,
      }),
      conflictError('locked', '"a/x.docx" is open for editing; try again when it is closed.', {
        what: 'documents',
        names: ['a/x.docx'],
        count: 1,
      }),
      new DomainError('not_found', 'not_found', 'Not found.'),
    ];
    for (const error of samples) expect(english(error), error.message).toBe(error.message);
  });

  it('German and French: the same values in their words, sizes and the top folder by locale', () => {
    const conflict = conflictError('name_conflict', '…', { what: 'document', name: 'r.docx', folder: '' });
    expect(localizedErrorMessage('de', conflict.code, conflict.details, conflict.message)).toBe(
      'Ein Dokument namens „r.docx“ gibt es im Ordner Dokumente schon.',
    );
    expect(localizedErrorMessage('fr', conflict.code, { ...conflict.details, folder: 'a/b' }, conflict.message)).toBe(
      'Un document nommé « r.docx » existe déjà dans le dossier « a/b ».',
    );
    const tooLarge = payloadTooLarge(1536);
    expect(localizedErrorMessage('de', tooLarge.code, tooLarge.details, tooLarge.message)).toBe(
      'Die Datei ist größer als die Grenze von 1,5 KB.',
    );
    expect(localizedErrorMessage('fr', tooLarge.code, tooLarge.details, tooLarge.message)).toBe(
      'Le fichier dépasse la limite de 1,5 Ko.',
    );
  });

  it('a validation error in German and French: the field by its name there, the rule and its bound', () => {
    const details = {
      problem: 'The password must be at least 8 characters.',
      field: 'newPassword',
      rule: 'too_short',
      bound: 8,
    };
    expect(localizedErrorMessage('de', 'invalid_password', details, details.problem)).toBe(
      'Neues Passwort: mindestens 8 Zeichen.',
    );
    expect(localizedErrorMessage('fr', 'invalid_password', details, details.problem)).toBe(
      'Nouveau mot de passe : au moins 8 caractères.',
    );
    expect(localizedErrorMessage('en', 'invalid_password', details, details.problem)).toBe(details.problem);
    const unnamed = { ...details, field: 'documents.0', rule: 'one_of', values: 'fail, rename' };
    expect(localizedErrorMessage('de', 'invalid_request', unnamed, '…')).toBe(
      'documents.0: erlaubt sind fail, rename.',
    );
  });

  it('without `what` a code gets its generic branch', () => {
    expect(localizedErrorMessage('de', 'not_found', undefined, 'Gone.')).toBe('Nicht gefunden.');
    expect(localizedErrorMessage('fr', 'forbidden', {}, 'No.')).toBe('Vous n’avez pas le droit de faire cela.');
  });

  it('a message whose values are missing from the details falls back to the English it was thrown with', () => {
    expect(localizedErrorMessage('de', 'user_exists', {}, 'A user with email a@b.example already exists.')).toBe(
      'A user with email a@b.example already exists.',
    );
    expect(localizedErrorMessage('de', 'no_such_code', {}, 'Plain English.')).toBe('Plain English.');
  });
});
