import { describe, expect, it } from 'vitest';
import { legalizeName, nameProblem, normalizeName, visibleName } from '@/lib/names';
import { parseKey } from '@/lib/storage/keys';

// Names are what they look like: no text-direction tricks (Trojan Source, CVE-2021-42574), no
// invisible characters, no broken text; NFC so one name has one spelling.

describe('deceptive characters in names', () => {
  it.each([
    ['rtl\u202excod.exe', 'U+202E'],
    ['a\u202ab.docx', 'U+202A'],
    ['isolate\u2066x\u2069.docx', 'U+2066'],
    ['mark\u200fx.docx', 'U+200F'],
    ['zero\u200bwidth.docx', 'U+200B'],
    ['word\u2060joiner.docx', 'U+2060'],
    ['b\ufeffom.docx', 'U+FEFF'],
    ['soft\u00adhyphen.docx', 'U+00AD'],
    ['c1\u0085control.docx', 'U+0085'],
    ['tag\u{e0041}.docx', 'U+E0041'],
    ['alm\u061cx.docx', 'U+061C'],
  ])('nameProblem(%j) → refused, naming %s', (name, label) => {
    expect(nameProblem(name)).toBe(
      `The name must not contain the invisible or text-direction character ${label}: it can make a name look like another.`,
    );
  });

  it.each([['lone\ud800surrogate.docx'], ['bad\ufffdutf8.docx']])('nameProblem(%j) → not valid text', (name) => {
    expect(nameProblem(name)).toMatch(/^The name is not valid text \(U\+(D800|FFFD): a broken character/);
  });

  it.each([
    ['Persian with ZWNJ', 'می\u200cخواهم.docx'],
    ['emoji family (ZWJ sequence)', 'family 👨\u200d👩\u200d👧.docx'],
    ['Devanagari with ZWJ', 'क्\u200dष.docx'],
  ])('%s → allowed (joiners between visible characters)', (_label, name) => {
    expect(nameProblem(name)).toBeNull();
  });

  it.each([['\u200dlead.docx'], ['trail \u200c.docx'], ['a \u200d b.docx']])(
    'a joiner at an edge or next to a space %j → refused',
    (name) => {
      expect(nameProblem(name)).toMatch(/U\+200[CD]/);
    },
  );

  it('visibleName shows each deceptive character as ⟨U+XXXX⟩ and keeps joiners that belong', () => {
    expect(visibleName('rtl\u202excod.exe')).toBe('rtl⟨U+202E⟩xcod.exe');
    expect(visibleName('zero\u200bwidth.docx')).toBe('zero⟨U+200B⟩width.docx');
    expect(visibleName('می\u200cخواهم.docx')).toBe('می\u200cخواهم.docx');
    expect(visibleName('plain.docx')).toBe('plain.docx');
  });

  it('an object another tool put in the bucket as "rtl<U+202E>xcod.exe" is still listed (parseKey), shown with visibleName', () => {
    expect(parseKey('team/rtl\u202excod.exe')).toEqual({ folder: 'team', name: 'rtl\u202excod.exe' });
  });

  it('legalizeName (Save As in suggested mode) drops deceptive characters instead of failing', () => {
    expect(legalizeName('rtl\u202excod.exe')).toBe('rtlxcod.exe');
    expect(legalizeName('zero\u200bwidth.docx')).toBe('zerowidth.docx');
    expect(nameProblem(legalizeName('\u202e\u200b.docx'))).toBeNull();
  });

  it('normalizeName: "e" + combining acute (NFD) and "é" (NFC) are one name', () => {
    expect(normalizeName('Re\u0301sume\u0301.docx')).toBe('Résumé.docx');
    expect(normalizeName('Résumé.docx')).toBe('Résumé.docx');
  });
});
