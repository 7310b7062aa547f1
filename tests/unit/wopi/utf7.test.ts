import utf7 from 'utf7';
import { describe, expect, it } from 'vitest';
import { decodeUtf7Name, encodeUtf7Name, type WopiSender } from '@/lib/wopi/utf7';
import { encodeLikeDotNet, encodeLikeGlibc, encodeLikeValidatorTarget } from '../../support/utf7-editors';

const SENDERS: WopiSender[] = ['collabora', 'onlyoffice', 'microsoft', 'unknown'];

const NAMES: [what: string, name: string][] = [
  ['accented Latin', 'Résumé.docx'],
  ['accented Latin, spaces', 'Übersicht Ärger.docx'],
  ['euro', 'Budget €.pdf'],
  ['"-" right after a shift', '€-2024.xlsx'],
  ['"-" right after a shift', 'é-x.docx'],
  ['CJK', '文件夹报告.docx'],
  ['CJK', '日本語のファイル名.xlsx'],
  ['CJK, "+" inside the base64', '信息.docx'],
  ['CJK, "+" inside the base64', '成绩单.docx'],
  ['Korean', '한국어 문서.docx'],
  ['Vietnamese', 'Báo cáo tài chính năm 2024.docx'],
  ['Armenian', 'Հաշվետվություն.docx'],
  ['Georgian', 'ანგარიში 2024.docx'],
  ['Arabic', 'تقرير مالي.pdf'],
  ['Hebrew', 'דוח שנתי.docx'],
  ['Cyrillic', 'Привет мир.docx'],
  ['math symbols', '∑∫≤ notes.txt'],
  ['emoji outside the BMP', 'Party 🎉 plan.docx'],
  ['emoji outside the BMP', '😀.docx'],
  ['mixed scripts', 'Отчёт 报告 Ω-final.docx'],
  ['literal plus', 'C++ notes.docx'],
  ['literal plus', '1+1=2.xlsx'],
  ['literal plus next to non-ASCII', 'a+é+b.docx'],
  ['spaced hyphen', 'Report - Final.docx'],
  ['spaced hyphen after non-ASCII', 'Résumé - Final.docx'],
  ['percent', '100% done.docx'],
  ['spaces', 'Team Meeting Notes.docx'],
  ['spaces', 'Copy of Contract.docx'],
  ['optional direct characters', 'Q&A [draft] #3 @home!.docx'],
  ['underscore (WOPI validator)', 'madeup_name.wopitestx'],
  ['rename: no extension, ends in non-ASCII', 'Résumé'],
  ['rename: Armenian only', 'Հաշիվ'],
  ['rename: ends in an emoji', 'Plan 😀'],
];

const wireCases = (encode: (name: string) => string) =>
  NAMES.map(([what, name]) => [
    `${JSON.stringify(encode(name))} → ${JSON.stringify(name)} (${what})`,
    encode(name),
    name,
  ]);

describe('decodeUtf7Name: Collabora Online (glibc iconv, CollaboraOnline/online wsd/wopi/WopiStorage.cpp)', () => {
  it.each(wireCases((name) => encodeLikeGlibc(name)))('Collabora X-WOPI-SuggestedTarget %s', (_, wire, name) => {
    expect(decodeUtf7Name(wire, 'collabora')).toBe(name);
  });

  it.each(wireCases((name) => encodeLikeGlibc(name, { isOptionalDirect: true })))(
    'Collabora X-WOPI-SuggestedTarget, optional direct characters passed %s',
    (_, wire, name) => {
      expect(decodeUtf7Name(wire, 'collabora')).toBe(name);
    },
  );

  it.each([
    ['Budget +IKw-.pdf', 'Budget €.pdf'],
    ['Budget +IKw.pdf', 'Budget €.pdf'],
    ['R+AOk-sum+AOk-', 'Résumé'],
    ['R+AOk-sum+AOk.pdf', 'Résumé.pdf'],
    ['a+-b.docx', 'a+b.docx'],
    ['+-', '+'],
  ])('Collabora X-WOPI-SuggestedTarget %j → %j', (wire, name) => {
    expect(decodeUtf7Name(wire, 'collabora')).toBe(name);
  });

  // Older COOLWSD called iconv without the flush call: the last character is lost, the rest is kept.
  it.each([
    ['Résumé', 'R+AOk-sum+AO', 'Résum'],
    ['Budget €', 'Budget +IK', 'Budget '],
    ['文件', '+ZYdO9', '文'],
    ['日本語', '+ZeVnLIqe', '日本語'],
    ['Հաշիվ', '+BUAFYQV3BWsFf', 'Հաշի'],
    ['Plan 😀', 'Plan +2D3eA', 'Plan '],
    ['a€b€', 'a+IKw-b+IK', 'a€b'],
  ])('Collabora X-WOPI-RequestedName for %j cut to %j → %j', (name, wire, decoded) => {
    expect(encodeLikeGlibc(name, { isFlushed: false })).toBe(wire);
    expect(decodeUtf7Name(wire, 'collabora')).toBe(decoded);
  });

  it('Collabora X-WOPI-RequestedName "+ZYdO9" (cut) mid-value is not Collabora output: read as an unknown sender', () => {
    expect(decodeUtf7Name('+ZYdO9.docx', 'collabora')).toBe(decodeUtf7Name('+ZYdO9.docx', 'unknown'));
  });
});

describe('decodeUtf7Name: ONLYOFFICE Docs (npm utf7.encode, ONLYOFFICE/server DocService/sources/wopiClient.js)', () => {
  it.each(wireCases((name) => utf7.encode(name)))('ONLYOFFICE X-WOPI-SuggestedTarget %s', (_, wire, name) => {
    expect(decodeUtf7Name(wire, 'onlyoffice')).toBe(name);
  });

  it.each([
    ['Budget+ACAgrA-', 'Budget €'],
    ['C+ACsAKwAg-notes.docx', 'C++ notes.docx'],
    ['a+-b.docx', 'a+b.docx'],
  ])('ONLYOFFICE X-WOPI-RequestedName %j → %j', (wire, name) => {
    expect(decodeUtf7Name(wire, 'onlyoffice')).toBe(name);
  });
});

describe('decodeUtf7Name: Microsoft (.NET UTF-7; the validator URL-encodes it, so spaces arrive as "+")', () => {
  it.each(wireCases(encodeLikeValidatorTarget))('Microsoft X-WOPI-SuggestedTarget %s', (_, wire, name) => {
    expect(decodeUtf7Name(wire, 'microsoft')).toBe(name);
  });

  it.each(wireCases(encodeLikeDotNet))('Microsoft X-WOPI-RequestedName %s', (_, wire, name) => {
    expect(decodeUtf7Name(wire, 'microsoft')).toBe(name);
  });

  it.each([
    ['Copy+of+Contract.docx', 'Copy of Contract.docx'],
    ['Project+Proposal.docx', 'Project Proposal.docx'],
    ['Copy+of+R+AOk-sum+AOk-.docx', 'Copy of Résumé.docx'],
    ['+IKw-+100.xlsx', '€ 100.xlsx'],
    ['100++IKw-.xlsx', '100 €.xlsx'],
    ['Report+-+Final.docx', 'Report - Final.docx'],
    ['a++-+b.docx', 'a + b.docx'],
    ['a+-b.docx', 'a+b.docx'],
    ['madeup+AF8-name.wopitestx', 'madeup_name.wopitestx'],
  ])('Microsoft X-WOPI-RelativeTarget %j → %j', (wire, name) => {
    expect(decodeUtf7Name(wire, 'microsoft')).toBe(name);
  });
});

describe('decodeUtf7Name: unknown sender (strict RFC 2152, "+" a space only where that is ill-formed)', () => {
  it.each([
    ['Copy+of+Contract.docx', 'Copy of Contract.docx'],
    ['my+file.docx', 'my file.docx'],
    ['Annual+Report+2024.docx', 'Annual Report 2024.docx'],
    ['Q+A.docx', 'Q A.docx'],
    ['a+', 'a '],
    ['+', ' '],
    ['a+-b.docx', 'a+b.docx'],
    ['Budget +IKw.pdf', 'Budget €.pdf'],
    ['Budget+ACAgrA-', 'Budget €'],
    ['x+ZeVnLIqe.docx', 'x日本語.docx'],
    ['+T+Fgbw-.docx', '信息.docx'],
    ['madeup+AF8-name.wopitestx', 'madeup_name.wopitestx'],
  ])('X-WOPI-RelativeTarget %j from a CLI token → %j', (wire, name) => {
    expect(decodeUtf7Name(wire, 'unknown')).toBe(name);
  });

  it.each(wireCases(encodeLikeValidatorTarget))(
    'validator X-WOPI-RelativeTarget without proof keys %s',
    (_, wire, name) => {
      expect(decodeUtf7Name(wire, 'unknown')).toBe(name);
    },
  );

  it.each(wireCases((name) => utf7.encode(name)))('X-WOPI-RelativeTarget encoded with npm utf7 %s', (_, wire, name) => {
    expect(decodeUtf7Name(wire, 'unknown')).toBe(name);
  });
});

describe('decodeUtf7Name: any sender', () => {
  it.each(
    SENDERS.flatMap((sender) => ['Résumé.docx', '报告 2024.xlsx', 'Ünïcödé+😀.docx'].map((name) => [sender, name])),
  )('%s: a value with raw non-ASCII (UTF-8, not UTF-7) %j is returned as is', (sender, name) => {
    expect(decodeUtf7Name(name, sender as WopiSender)).toBe(name);
  });

  it.each(
    SENDERS.flatMap((sender) =>
      ['+AAA-x.docx', 'a+AAoA-b', '+2D0-.docx', '+AH8-', 'x+ABs'].map((wire) => [sender, wire]),
    ),
  )('%s: %j (control character or lone surrogate) → no control characters, well-formed', (sender, wire) => {
    const name = decodeUtf7Name(wire, sender as WopiSender);
    expect(name).not.toMatch(/\p{Cc}/u);
    expect(name.isWellFormed()).toBe(true);
  });

  it.each(SENDERS)('%s: a value over 2048 characters (no name is) is read strictly, else returned as is', (sender) => {
    expect(decodeUtf7Name(`${'x'.repeat(2100)}+AOk-`, sender)).toBe(`${'x'.repeat(2100)}é`);
    expect(decodeUtf7Name('+A'.repeat(1100), sender)).toBe('+A'.repeat(1100));
  });

  it('10 000 random "+"/base64/"-" values: no sender throws, yields control characters or lone surrogates', () => {
    const alphabet = '+-+-AQgw/2DeIK .k9z';
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let n = 0; n < 10_000; n++) {
      const wire = Array.from(
        { length: 1 + Math.floor(random() * 14) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join('');
      for (const sender of SENDERS) {
        const name = decodeUtf7Name(wire, sender);
        expect(name, `${sender} ${wire}`).not.toMatch(/\p{Cc}/u);
        expect(name.isWellFormed(), `${sender} ${wire}`).toBe(true);
      }
    }
  });
});

describe('encodeUtf7Name (X-WOPI-ValidRelativeTarget)', () => {
  it.each(NAMES)('%s: %j → printable ASCII that every sender decodes back', (_, name) => {
    const wire = encodeUtf7Name(name);
    expect(wire).toMatch(/^[\x20-\x7e]*$/);
    for (const sender of SENDERS) expect(decodeUtf7Name(wire, sender), sender).toBe(name);
  });

  it.each(NAMES)('%s: %j is written exactly as .NET Encoding.UTF7 writes it', (_, name) => {
    expect(encodeUtf7Name(name)).toBe(encodeLikeDotNet(name));
  });

  it.each([
    ['a+b.docx', 'a+-b.docx'],
    ['€+', '+IKwAKw-'],
    ['Résumé 1+1.docx', 'R+AOk-sum+AOk- 1+-1.docx'],
    ['madeup_name.docx', 'madeup+AF8-name.docx'],
    ['report (1).docx', 'report (1).docx'],
  ])('%j → %j', (name, wire) => {
    expect(encodeUtf7Name(name)).toBe(wire);
  });

  it.each([['Résumé 1+1.docx'], ['Budget €.pdf'], ['Привет мир.docx']])(
    'npm utf7.decode (ONLYOFFICE) reads %j back',
    (name) => {
      expect(utf7.decode(encodeUtf7Name(name))).toBe(name);
    },
  );
});
