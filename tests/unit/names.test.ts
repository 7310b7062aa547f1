import { describe, expect, it } from 'vitest';
import { NAME_MAX_BYTES, nameProblem } from '@/lib/names';

describe('nameProblem', () => {
  it.each([
    ['report.docx'],
    ['Quarterly report 2024.xlsx'],
    ['a'],
    ['.hidden'],
    ['archive.tar.gz'],
    ['Résumé – final.docx'],
    ['日本語のファイル.pptx'],
    ['emoji 😀.odt'],
    ['brackets [1] (copy) {x} #1 & 100% + @ ~ $ = !.pdf'],
    ['a'.repeat(NAME_MAX_BYTES)],
    ['é'.repeat(116)],
    ['文'.repeat(77)],
  ])('nameProblem(%j) → null (valid)', (name) => {
    expect(nameProblem(name)).toBeNull();
  });

  it('NAME_MAX_BYTES is 233 (255-byte file names minus s3rver\'s "._S3rver_metadata.json")', () => {
    expect(NAME_MAX_BYTES).toBe(255 - '._S3rver_metadata.json'.length);
  });

  it('nameProblem: "" → empty', () => {
    expect(nameProblem('')).toBe('The name is empty.');
  });

  it.each([[' a'], ['a '], [' '], ['\ta'], ['a\n'], ['a\u00a0']])(
    'nameProblem(%j) → must not start or end with a space',
    (name) => {
      expect(nameProblem(name)).toBe('The name must not start or end with a space.');
    },
  );

  it('nameProblem: 234 ASCII characters → too long, in bytes', () => {
    expect(nameProblem('a'.repeat(234))).toMatch(/^The name is too long: 234 bytes in UTF-8, at most 233 here/);
  });

  it('nameProblem: the limit counts UTF-8 bytes (117 × "é" = 234 bytes; 78 × "文" = 234 bytes)', () => {
    expect(nameProblem('é'.repeat(117))).toMatch(/too long: 234 bytes/);
    expect(nameProblem('文'.repeat(78))).toMatch(/too long: 234 bytes/);
  });

  it('nameProblem with a smaller budget (deep folders) → too long past it', () => {
    expect(nameProblem('a'.repeat(51), { maxBytes: 50 })).toMatch(/at most 50 here/);
    expect(nameProblem('a'.repeat(50), { maxBytes: 50 })).toBeNull();
  });

  it.each([['.'], ['..']])('nameProblem(%j) → cannot be "." or ".."', (name) => {
    expect(nameProblem(name)).toBe('The name cannot be "." or "..".');
  });

  it.each([['report.'], ['...'], ['a b.']])('nameProblem(%j) → must not end with a dot', (name) => {
    expect(nameProblem(name)).toBe('The name must not end with a dot.');
  });

  it.each([
    ['"', 'The name must not contain "\\"".'],
    ['*', 'The name must not contain "*".'],
    [':', 'The name must not contain ":".'],
    ['<', 'The name must not contain "<".'],
    ['>', 'The name must not contain ">".'],
    ['?', 'The name must not contain "?".'],
    ['/', 'The name must not contain "/".'],
    ['\\', 'The name must not contain "\\\\".'],
    ['|', 'The name must not contain "|".'],
  ])('nameProblem: %j → must not contain it', (char, message) => {
    expect(nameProblem(`bad${char}name.docx`)).toBe(message);
  });

  it.each([
    ['\u0000', 'The name must not contain "\\u0000".'],
    ['\u0001', 'The name must not contain "\\u0001".'],
    ['\u001f', 'The name must not contain "\\u001f".'],
    ['\u007f', 'The name must not contain "\u007f".'],
  ])('nameProblem: control character %j inside the name → must not contain it', (char, message) => {
    expect(nameProblem(`bad${char}name`)).toBe(message);
  });

  it('nameProblem: reports the first forbidden character', () => {
    expect(nameProblem('a|b*c')).toBe('The name must not contain "|".');
  });

  it('nameProblem: a leading space is reported before a forbidden character', () => {
    expect(nameProblem(' a:b')).toBe('The name must not start or end with a space.');
  });
});
