import { XMLValidator } from 'fast-xml-parser';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';

import {
  columnName,
  escapeXml,
  makeBlank,
  makeDocx,
  makeOdp,
  makeOds,
  makeOdt,
  makePdf,
  makePptx,
  makeXlsx,
  SAMPLE_DOCUMENTS,
  type BlankKind,
} from '../../../lib/samples/generate';

const TRICKY = `Tom & Jerry's <"quoted"> text  with  spaces\tand\u0001 control`;

const unzip = (bytes: Uint8Array): Record<string, string> =>
  Object.fromEntries(Object.entries(unzipSync(bytes)).map(([path, data]) => [path, strFromU8(data)]));

const expectPackage = (bytes: Uint8Array, required: string[]): Record<string, string> => {
  const files = unzip(bytes);
  for (const path of required) expect(Object.keys(files), `missing ${path}`).toContain(path);
  for (const [path, text] of Object.entries(files)) {
    if (path.endsWith('.xml') || path.endsWith('.rels')) {
      expect(XMLValidator.validate(text), `${path} is not well-formed`).toBe(true);
    }
  }
  return files;
};

const readUInt16 = (bytes: Uint8Array, offset: number): number =>
  (bytes[offset] ?? 0) | ((bytes[offset + 1] ?? 0) << 8);

const expectStoredMimetype = (bytes: Uint8Array, mimetype: string): void => {
  expect([...bytes.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
  expect(readUInt16(bytes, 8)).toBe(0);
  const nameLength = readUInt16(bytes, 26);
  const extraLength = readUInt16(bytes, 28);
  expect(extraLength).toBe(0);
  expect(strFromU8(bytes.subarray(30, 30 + nameLength))).toBe('mimetype');
  expect(strFromU8(bytes.subarray(30 + nameLength, 30 + nameLength + mimetype.length))).toBe(mimetype);
};

const OOXML_COMMON = ['[Content_Types].xml', '_rels/.rels', 'docProps/core.xml', 'docProps/app.xml'];
const ODF_COMMON = ['mimetype', 'META-INF/manifest.xml', 'content.xml', 'styles.xml', 'meta.xml'];

const PPTX_PARTS = [
  'ppt/presentation.xml',
  'ppt/_rels/presentation.xml.rels',
  'ppt/slideMasters/slideMaster1.xml',
  'ppt/slideMasters/_rels/slideMaster1.xml.rels',
  'ppt/slideLayouts/slideLayout1.xml',
  'ppt/slideLayouts/_rels/slideLayout1.xml.rels',
  'ppt/slides/slide1.xml',
  'ppt/slides/_rels/slide1.xml.rels',
  'ppt/theme/theme1.xml',
];

const expectValidPdf = (bytes: Uint8Array): string => {
  const text = String.fromCharCode(...bytes);
  expect(text.startsWith('%PDF-1.4')).toBe(true);
  expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
  const startxref = Number(/startxref\n(\d+)\n%%EOF\s*$/.exec(text)?.[1]);
  expect(text.slice(startxref, startxref + 4)).toBe('xref');
  const header = /^xref\n0 (\d+)\n/.exec(text.slice(startxref));
  const count = Number(header?.[1]);
  const tableStart = startxref + (header?.[0].length ?? 0);
  expect(text.slice(tableStart, tableStart + 20)).toBe('0000000000 65535 f\r\n');
  for (let n = 1; n < count; n++) {
    const row = text.slice(tableStart + 20 * n, tableStart + 20 * (n + 1));
    expect(row).toMatch(/^\d{10} 00000 n\r\n$/);
    const offset = Number(row.slice(0, 10));
    expect(text.slice(offset, offset + `${n} 0 obj`.length)).toBe(`${n} 0 obj`);
  }
  expect(text.slice(tableStart + 20 * count)).toMatch(new RegExp(`^trailer\\n<< /Size ${count} /Root 1 0 R`));
  for (const match of text.matchAll(/<< \/Length (\d+) >>\nstream\n/g)) {
    const start = (match.index ?? 0) + match[0].length;
    expect(text.slice(start + Number(match[1]), start + Number(match[1]) + 10)).toBe('\nendstream');
  }
  return text;
};

describe('escapeXml', () => {
  it('escapes the five XML specials and drops characters XML 1.0 forbids', () => {
    expect(escapeXml(`a&b<c>d"e'f\u0000g`)).toBe('a&amp;b&lt;c&gt;d&quot;e&apos;fg');
  });
});

describe('columnName', () => {
  it('maps zero-based indexes to spreadsheet column letters', () => {
    expect([0, 1, 25, 26, 27, 51, 52, 701, 702].map(columnName)).toEqual([
      'A',
      'B',
      'Z',
      'AA',
      'AB',
      'AZ',
      'BA',
      'ZZ',
      'AAA',
    ]);
  });
});

describe('generators', () => {
  it('makeDocx → zip with [Content_Types].xml, word/document.xml, well-formed XML', () => {
    const files = expectPackage(makeDocx({ title: TRICKY, paragraphs: ['One', TRICKY, ''] }), [
      ...OOXML_COMMON,
      'word/document.xml',
      'word/_rels/document.xml.rels',
    ]);
    expect(files['[Content_Types].xml']).toContain('wordprocessingml.document.main+xml');
    expect(files['_rels/.rels']).toContain('Target="docProps/core.xml"');
    expect(files['word/document.xml']).toContain('<w:b/>');
    expect(files['word/document.xml']).toContain('Tom &amp; Jerry&apos;s &lt;&quot;quoted&quot;&gt;');
  });

  it('makeXlsx → zip with workbook, sheet, styles, inline strings and A1/AA1 refs', () => {
    const wide = Array.from({ length: 28 }, (_, i) => (i % 2 === 0 ? i : `col ${i}`));
    const files = expectPackage(makeXlsx({ sheetName: 'Q1: [draft]', rows: [['Name', 42], wide, [TRICKY]] }), [
      ...OOXML_COMMON,
      'xl/workbook.xml',
      'xl/_rels/workbook.xml.rels',
      'xl/worksheets/sheet1.xml',
      'xl/styles.xml',
    ]);
    const sheet = files['xl/worksheets/sheet1.xml'] ?? '';
    expect(sheet).toContain('<c r="A1" t="inlineStr"><is><t xml:space="preserve">Name</t></is></c>');
    expect(sheet).toContain('<c r="B1"><v>42</v></c>');
    expect(sheet).toContain('<c r="AA2"><v>26</v></c>');
    expect(sheet).toContain('<c r="AB2" t="inlineStr">');
    expect(files['xl/workbook.xml']).not.toMatch(/name="[^"]*[:[\]]/);
  });

  it('makePptx → zip with presentation, master, layout, theme, slide and ECMA-376 ids', () => {
    const files = expectPackage(makePptx({ title: TRICKY, bullets: ['First', TRICKY] }), [
      ...OOXML_COMMON,
      ...PPTX_PARTS,
    ]);
    expect(files['ppt/presentation.xml']).toContain('<p:sldMasterId id="2147483648" r:id="rId1"/>');
    expect(files['ppt/presentation.xml']).toContain('<p:sldId id="256" r:id="rId2"/>');
    expect(files['ppt/presentation.xml']).toMatch(/<p:sldSz [^>]+\/><p:notesSz [^>]+\/>/);
    expect(files['ppt/slideMasters/slideMaster1.xml']).toContain('<p:sldLayoutId id="2147483649" r:id="rId1"/>');
    const theme = files['ppt/theme/theme1.xml'] ?? '';
    for (const list of ['fillStyleLst', 'lnStyleLst', 'effectStyleLst', 'bgFillStyleLst']) {
      const inner = new RegExp(`<a:${list}>(.*?)</a:${list}>`).exec(theme)?.[1] ?? '';
      const child = list === 'lnStyleLst' ? '<a:ln ' : list === 'effectStyleLst' ? '<a:effectStyle>' : '<a:solidFill>';
      expect(inner.split(child).length - 1, list).toBe(3);
    }
    expect(files['ppt/_rels/presentation.xml.rels']).toMatch(/slideMaster.*slide".*theme/);
    expect(files['ppt/slides/_rels/slide1.xml.rels']).toContain('../slideLayouts/slideLayout1.xml');
    expect(files['ppt/slides/slide1.xml']).toContain('<a:t>First</a:t>');
  });

  it('makeOdt → stored mimetype first, manifest, content, styles, meta, well-formed XML', () => {
    const bytes = makeOdt({ title: TRICKY, paragraphs: ['One', TRICKY] });
    expectStoredMimetype(bytes, 'application/vnd.oasis.opendocument.text');
    const files = expectPackage(bytes, ODF_COMMON);
    expect(files['mimetype']).toBe('application/vnd.oasis.opendocument.text');
    expect(files['META-INF/manifest.xml']).toContain('manifest:media-type="application/vnd.oasis.opendocument.text"');
    expect(files['content.xml']).toContain('text <text:s text:c="1"/>with');
  });

  it('makeOds / makeOdp → stored mimetype first with their own media types', () => {
    const ods = makeOds({ sheetName: 'Data', rows: [['a', 1.5], [TRICKY]] });
    expectStoredMimetype(ods, 'application/vnd.oasis.opendocument.spreadsheet');
    expect(expectPackage(ods, ODF_COMMON)['content.xml']).toContain('office:value-type="float" office:value="1.5"');
    const odp = makeOdp({ title: TRICKY, bullets: ['x', 'y'] });
    expectStoredMimetype(odp, 'application/vnd.oasis.opendocument.presentation');
    expect(expectPackage(odp, ODF_COMMON)['content.xml']).toContain('presentation:class="outline"');
  });

  it('makePdf → %PDF-1.4 … %%EOF with xref offsets pointing at "N 0 obj"', () => {
    const text = expectValidPdf(
      makePdf({ title: 'Guide (draft) \\ v1 – café', lines: ['Hello (world)', '', 'x'.repeat(200)] }),
    );
    expect(text).toContain('(Guide \\(draft\\) \\\\ v1 \\226 caf\\351) Tj');
  });

  it('makePdf → paginates long content and keeps the xref exact', () => {
    const text = expectValidPdf(makePdf({ title: 'Long', lines: Array.from({ length: 120 }, (_, i) => `Line ${i}`) }));
    expect(text).toMatch(/\/Count [3-9]/);
  });

  it('generators are deterministic byte-for-byte', () => {
    expect(makeDocx({ title: 'a', paragraphs: ['b'] })).toEqual(makeDocx({ title: 'a', paragraphs: ['b'] }));
    expect(makePdf({ title: 'a', lines: ['b'] })).toEqual(makePdf({ title: 'a', lines: ['b'] }));
  });
});

describe('makeBlank', () => {
  const required: Record<BlankKind, string[]> = {
    docx: [...OOXML_COMMON, 'word/document.xml'],
    xlsx: [...OOXML_COMMON, 'xl/workbook.xml', 'xl/worksheets/sheet1.xml', 'xl/styles.xml'],
    pptx: [...OOXML_COMMON, ...PPTX_PARTS],
    odt: ODF_COMMON,
    ods: ODF_COMMON,
    odp: ODF_COMMON,
  };
  for (const kind of Object.keys(required) as BlankKind[]) {
    it(`makeBlank('${kind}') → valid empty package`, () => {
      const bytes = makeBlank(kind);
      expectPackage(bytes, required[kind]);
      if (kind.startsWith('od')) expectStoredMimetype(bytes, unzip(bytes)['mimetype'] ?? '');
    });
  }
});

describe('SAMPLE_DOCUMENTS', () => {
  it('lists the expected files in their folders', () => {
    const paths = SAMPLE_DOCUMENTS.map((d) => (d.folder ? `${d.folder}/${d.name}` : d.name));
    expect(paths).toEqual(
      expect.arrayContaining([
        'Welcome.docx',
        'Guide.pdf',
        'Projects/Budget 2026.xlsx',
        'Projects/Roadmap.pptx',
        'Projects/Archive/Meeting notes.odt',
      ]),
    );
    expect(paths.some((p) => p.endsWith('.ods') && !p.includes('/'))).toBe(true);
    expect(paths.some((p) => p.endsWith('.odp') && !p.includes('/'))).toBe(true);
  });

  for (const doc of SAMPLE_DOCUMENTS) {
    it(`${doc.folder || '(root)'}/${doc.name} → valid ${doc.name.split('.').pop()}`, () => {
      const bytes = doc.bytes();
      if (doc.name.endsWith('.pdf')) expectValidPdf(bytes);
      else expectPackage(bytes, doc.name.endsWith('x') ? OOXML_COMMON : ODF_COMMON);
    });
  }
});
