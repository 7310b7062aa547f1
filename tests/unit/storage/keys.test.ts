import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setRuntimeEnv } from '@/lib/env';
import {
  documentKey,
  extensionOf,
  folderPrefix,
  internalKey,
  INTERNAL_FOLDER,
  isKeyTooLong,
  parseFolder,
  parseKey,
} from '@/lib/storage/keys';

const deepFolder = (depth: number) => Array.from({ length: depth }, (_, index) => `f${index}`).join('/');

/** Runs the enclosing describe block with S3_PREFIX set, restoring the previous value after each test. */
const usePrefix = (prefix: string | undefined) => {
  let previous: string | undefined;
  beforeEach(() => {
    previous = process.env.S3_PREFIX;
    setRuntimeEnv({ S3_PREFIX: prefix });
  });
  afterEach(() => {
    setRuntimeEnv({ S3_PREFIX: previous });
  });
};

describe('parseFolder', () => {
  it.each([
    ['', ''],
    ['/', ''],
    ['//', ''],
    ['a', 'a'],
    ['/a//b/', 'a/b'],
    ['a/b/c', 'a/b/c'],
    ['///a///', 'a'],
    ['My Docs/Résumés', 'My Docs/Résumés'],
    ['日本/資料', '日本/資料'],
    ['v1.2/.config', 'v1.2/.config'],
  ])('parseFolder(%j) → %j', (input, folder) => {
    expect(parseFolder(input)).toEqual({ folder });
  });

  it.each([['.wopi'], ['/.wopi'], ['.wopi/versions'], ['/.wopi//trash/']])(
    'parseFolder(%j) → ".wopi" is reserved at the root',
    (input) => {
      expect(parseFolder(input)).toMatchObject({
        problem: '".wopi" is reserved.',
        issue: { rule: 'reserved', reserved: '.wopi' },
      });
    },
  );

  it('parseFolder("a/.wopi") → allowed: only the top-level ".wopi" is reserved', () => {
    expect(parseFolder('a/.wopi')).toEqual({ folder: 'a/.wopi' });
  });

  it('parseFolder(".WOPI") → allowed: the reservation is case-sensitive like S3 keys', () => {
    expect(parseFolder('.WOPI')).toEqual({ folder: '.WOPI' });
  });

  it('INTERNAL_FOLDER is ".wopi"', () => {
    expect(INTERNAL_FOLDER).toBe('.wopi');
  });

  it('parseFolder: 32 levels deep → allowed', () => {
    expect(parseFolder(deepFolder(32))).toEqual({ folder: deepFolder(32) });
  });

  it('parseFolder: 33 levels deep → at most 32 deep', () => {
    expect(parseFolder(deepFolder(33))).toMatchObject({
      problem: 'Folders can be at most 32 deep.',
      issue: { rule: 'depth', maxDepth: 32 },
    });
  });

  it('parseFolder: empty segments do not count towards the depth', () => {
    expect(parseFolder(`/${deepFolder(32).split('/').join('//')}/`)).toEqual({ folder: deepFolder(32) });
  });

  it.each([
    ['a/b:c', 'Folder "b:c": The name must not contain ":".'],
    ['a/../b', 'Folder "..": The name cannot be "." or "..".'],
    ['./a', 'Folder ".": The name cannot be "." or "..".'],
    ['a/ b', 'Folder " b": The name must not start or end with a space.'],
    ['a/ /b', 'Folder " ": The name must not start or end with a space.'],
    ['a/b./c', 'Folder "b.": The name must not end with a dot.'],
    ['a\\b', 'Folder "a\\b": The name must not contain "\\\\".'],
    ['x/a\u0000b', 'Folder "a\u0000b": The name must not contain "\\u0000".'],
    [
      `a/${'x'.repeat(234)}`,
      `Folder "${'x'.repeat(234)}": The name is too long: 234 bytes in UTF-8, at most 233 here (a Latin letter takes 1 byte, an accented one 2, most other scripts 3).`,
    ],
  ])('parseFolder(%j) → problem naming the bad segment', (input, problem) => {
    expect(parseFolder(input)).toMatchObject({ problem });
  });

  it('parseFolder: reports the first bad segment', () => {
    expect(parseFolder('ok/a*b/c?d')).toEqual({
      problem: 'Folder "a*b": The name must not contain "*".',
      issue: { rule: 'char', char: '"*"', segment: 'a*b' },
    });
  });
});

describe('extensionOf', () => {
  it.each([
    ['report.docx', 'docx'],
    ['REPORT.DOCX', 'docx'],
    ['Sheet.XlSx', 'xlsx'],
    ['archive.tar.gz', 'gz'],
    ['no-extension', ''],
    ['.docx', ''],
    ['.hidden.txt', 'txt'],
    ['trailing.', ''],
    ['', ''],
    ['résumé.ODT', 'odt'],
  ])('extensionOf(%j) → %j', (name, extension) => {
    expect(extensionOf(name)).toBe(extension);
  });
});

describe('isKeyTooLong', () => {
  it.each([
    ['1024 ASCII bytes', 'a'.repeat(1024), false],
    ['1025 ASCII bytes', 'a'.repeat(1025), true],
    ['512 × "é" (2 bytes each = 1024)', 'é'.repeat(512), false],
    ['513 × "é" (1026 bytes, 513 characters)', 'é'.repeat(513), true],
    ['341 × "€" (3 bytes each = 1023)', '€'.repeat(341), false],
    ['342 × "€" (1026 bytes)', '€'.repeat(342), true],
    ['256 × "😀" (4 bytes each = 1024)', '😀'.repeat(256), false],
    ['257 × "😀" (1028 bytes)', '😀'.repeat(257), true],
    ['empty key', '', false],
  ])('isKeyTooLong(%s) → %s', (_label, key, expected) => {
    expect(isKeyTooLong(key)).toBe(expected);
  });
});

describe('keys with S3_PREFIX ""', () => {
  usePrefix(undefined);

  it.each([
    [{ folder: '', name: 'a.docx' }, 'a.docx'],
    [{ folder: 'a', name: 'b.docx' }, 'a/b.docx'],
    [{ folder: 'a/b c', name: 'Résumé.docx' }, 'a/b c/Résumé.docx'],
  ])('documentKey(%j) → %j', (input, key) => {
    expect(documentKey(input)).toBe(key);
  });

  it.each([
    ['', ''],
    ['a', 'a/'],
    ['a/b', 'a/b/'],
  ])('folderPrefix(%j) → %j', (folder, prefix) => {
    expect(folderPrefix(folder)).toBe(prefix);
  });

  it.each([
    [['versions', 'doc-1', '3'], '.wopi/versions/doc-1/3'],
    [['trash'], '.wopi/trash'],
  ])('internalKey(...%j) → %j', (parts, key) => {
    expect(internalKey(...parts)).toBe(key);
  });

  it.each([
    ['a.docx', { folder: '', name: 'a.docx' }],
    ['a/b.docx', { folder: 'a', name: 'b.docx' }],
    ['a/b/c.docx', { folder: 'a/b', name: 'c.docx' }],
    ['My Docs/日本 語.xlsx', { folder: 'My Docs', name: '日本 語.xlsx' }],
    ['a/.wopi/x.docx', { folder: 'a/.wopi', name: 'x.docx' }],
  ])('parseKey(%j) → %j', (key, expected) => {
    expect(parseKey(key)).toEqual(expected);
  });

  it.each([
    ['folder marker "a/"', 'a/'],
    ['nested folder marker "a/b/"', 'a/b/'],
    ['empty key', ''],
    ['under ".wopi/"', '.wopi/versions/doc-1/3'],
    ['".wopi/" marker', '.wopi/'],
    ['name with ":"', 'a/b:c.docx'],
    ['name with "?"', 'q?.docx'],
    ['name with a control character', 'a/b\u0001.docx'],
    ['folder with "*"', 'a*b/c.docx'],
    ['empty folder segment "a//b.docx"', 'a//b.docx'],
    ['name ending with a dot', 'a/b.'],
    ['name with a trailing space', 'a/b.docx '],
    ['folder ".."', '../b.docx'],
    ['33 folders deep', `${deepFolder(33)}/a.docx`],
  ])('parseKey: %s → null', (_label, key) => {
    expect(parseKey(key)).toBeNull();
  });

  it('parseKey: a 250-byte name another tool wrote (MinIO allows 255) → parsed, so it is listed', () => {
    expect(parseKey(`a/${'x'.repeat(245)}.docx`)).toEqual({ folder: 'a', name: `${'x'.repeat(245)}.docx` });
  });

  it('parseKey: 32 folders deep → parsed', () => {
    expect(parseKey(`${deepFolder(32)}/a.docx`)).toEqual({ folder: deepFolder(32), name: 'a.docx' });
  });

  it.each([
    { folder: '', name: 'a.docx' },
    { folder: 'a', name: 'b.docx' },
    { folder: 'a/b c/d', name: 'Résumé final.docx' },
    { folder: 'x/.wopi', name: '.hidden' },
  ])('parseKey(documentKey(%j)) round-trips', (location) => {
    expect(parseKey(documentKey(location))).toEqual(location);
  });

  // Bug (lib/storage/keys.ts:47-51): a key with a leading slash ("/a.docx") has slash index 0, so
  // folder is "" and the key is shown as the root document "a.docx", whose documentKey is
  // "a.docx" — a different object. parseKey should reject non-canonical keys.
  it('parseKey("/a.docx") → null (documentKey of the result would be "a.docx")', () => {
    expect(parseKey('/a.docx')).toBeNull();
  });
});

describe('keys with S3_PREFIX "tenant/"', () => {
  usePrefix('tenant/');

  it.each([
    [{ folder: '', name: 'a.docx' }, 'tenant/a.docx'],
    [{ folder: 'a/b', name: 'c.docx' }, 'tenant/a/b/c.docx'],
  ])('documentKey(%j) → %j', (input, key) => {
    expect(documentKey(input)).toBe(key);
  });

  it.each([
    ['', 'tenant/'],
    ['a/b', 'tenant/a/b/'],
  ])('folderPrefix(%j) → %j', (folder, prefix) => {
    expect(folderPrefix(folder)).toBe(prefix);
  });

  it('internalKey("versions", "doc-1") → "tenant/.wopi/versions/doc-1"', () => {
    expect(internalKey('versions', 'doc-1')).toBe('tenant/.wopi/versions/doc-1');
  });

  it.each([
    ['tenant/a.docx', { folder: '', name: 'a.docx' }],
    ['tenant/a/b/c.docx', { folder: 'a/b', name: 'c.docx' }],
    ['tenant/tenant/a.docx', { folder: 'tenant', name: 'a.docx' }],
  ])('parseKey(%j) → %j', (key, expected) => {
    expect(parseKey(key)).toEqual(expected);
  });

  it.each([
    ['outside the prefix', 'other/a.docx'],
    ['unprefixed root key', 'a.docx'],
    ['prefix without its slash', 'tenant'],
    ['similar prefix "tenant2/"', 'tenant2/a.docx'],
    ['the prefix marker itself', 'tenant/'],
    ['folder marker', 'tenant/a/'],
    ['under the prefixed ".wopi/"', 'tenant/.wopi/versions/doc-1/3'],
    ['name with "|"', 'tenant/a|b.docx'],
  ])('parseKey: %s → null', (_label, key) => {
    expect(parseKey(key)).toBeNull();
  });

  it.each([
    { folder: '', name: 'a.docx' },
    { folder: 'a/b c', name: 'Résumé.docx' },
  ])('parseKey(documentKey(%j)) round-trips', (location) => {
    expect(parseKey(documentKey(location))).toEqual(location);
  });

  it('keys follow the prefix when it changes at runtime', () => {
    expect(documentKey({ folder: 'a', name: 'b.docx' })).toBe('tenant/a/b.docx');
    setRuntimeEnv({ S3_PREFIX: 'other/' });
    expect(documentKey({ folder: 'a', name: 'b.docx' })).toBe('other/a/b.docx');
  });
});
