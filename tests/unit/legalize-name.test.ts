import { describe, expect, it } from 'vitest';
import { legalizeName, NAME_MAX_BYTES, nameProblem, utf8Length } from '@/lib/names';

describe('legalizeName (PutRelativeFile suggested names, X-WOPI-ValidRelativeTarget)', () => {
  it.each([
    ['report.docx', 'report.docx'],
    ['Résumé – final.docx', 'Résumé – final.docx'],
    ['文件夹报告.docx', '文件夹报告.docx'],
    ['a:b.docx', 'a_b.docx'],
    ['a/b\\c.docx', 'a_b_c.docx'],
    ['what?*<>|".docx', 'what______.docx'],
    ['tab\there.docx', 'tab_here.docx'],
    ['nul\u0000.docx', 'nul_.docx'],
    ['del\u007f.docx', 'del_.docx'],
    ['  padded.docx  ', 'padded.docx'],
    ['trailing...', 'trailing'],
    ['', 'Document'],
    ['   ', 'Document'],
    ['.', 'Document'],
    ['..', 'Document'],
    ['...', 'Document'],
  ])('%j → %j', (input, expected) => {
    expect(legalizeName(input)).toBe(expected);
  });

  it('a legal name is returned unchanged', () => {
    for (const name of ['a', '.hidden', 'archive.tar.gz', 'x'.repeat(NAME_MAX_BYTES)]) {
      expect(legalizeName(name)).toBe(name);
    }
  });

  it('a name longer than 233 bytes is cut to 233, keeping the extension', () => {
    const name = legalizeName(`${'a'.repeat(300)}.docx`);
    expect(name).toHaveLength(NAME_MAX_BYTES);
    expect(name.endsWith('.docx')).toBe(true);
    expect(nameProblem(name)).toBeNull();
  });

  it('a long name whose "extension" is longer than 16 characters is cut without keeping it', () => {
    const name = legalizeName(`${'a'.repeat(250)}.${'b'.repeat(30)}`);
    expect(name).toHaveLength(NAME_MAX_BYTES);
    expect(nameProblem(name)).toBeNull();
  });

  it('a cut that lands on spaces trims them', () => {
    const name = legalizeName(`${'x'.repeat(226)}${' '.repeat(10)}.docx`);
    expect(name).toBe(`${'x'.repeat(226)}.docx`);
  });

  it.each([
    ['control characters', 'a\u0001b\u001fc.docx'],
    ['only forbidden characters', '<>:"/\\|?*'],
    ['leading and trailing dots and spaces', ' ..name.. '],
    ['a dot file', '.docx'],
  ])('the result is always a legal name: %s', (_label, input) => {
    expect(nameProblem(legalizeName(input))).toBeNull();
  });

  // Bug (lib/wopi/names.ts line 9): it trims, then strips trailing dots, so a space before the
  // dots survives: "report ." → "report " (illegal: ends with a space). Strip the dots, then trim
  // (repeat until stable: "a. ." → "a").
  it.each([['report .'], ['a. .'], ['name\u00a0.']])('%j → a legal name (no trailing space)', (input) => {
    expect(nameProblem(legalizeName(input))).toBeNull();
  });

  // Bug (lib/wopi/names.ts lines 11-14): the cut to 255 characters can end on a dot (the name is
  // then illegal) and can split a surrogate pair (a lone surrogate in a file name and S3 key).
  it('a 233-byte cut that lands on a dot → still a legal name', () => {
    expect(nameProblem(legalizeName(`${'a'.repeat(232)}.${'b'.repeat(50)}`))).toBeNull();
  });

  it('a cut through emoji never leaves half a surrogate pair', () => {
    const name = legalizeName(`${'😀'.repeat(200)}.odt`);
    // A lone surrogate does not survive UTF-8 (it becomes U+FFFD).
    expect(Buffer.from(name, 'utf8').toString('utf8')).toBe(name);
    expect(utf8Length(name)).toBeLessThanOrEqual(NAME_MAX_BYTES);
  });

  it('80 CJK characters + ".pdf" (244 bytes) → cut to whole characters within 233 bytes, ".pdf" kept', () => {
    const name = legalizeName(`${'文'.repeat(80)}.pdf`);
    expect(name).toBe(`${'文'.repeat(76)}.pdf`);
    expect(utf8Length(name)).toBe(232);
  });

  it('a smaller budget (a deep folder leaves less of the 1024-byte key) is respected', () => {
    expect(legalizeName(`${'a'.repeat(100)}.docx`, 50)).toBe(`${'a'.repeat(45)}.docx`);
  });
});
