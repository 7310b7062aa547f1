import { escapeXml as esc, FIXED_TIMESTAMP, xmlPart, zipEntries, type ZipEntry } from './xml';

const NS_PKG_RELS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const CT_PREFIX = 'application/vnd.openxmlformats-officedocument.';

type Relationship = { id: string; type: string; target: string };

/** Relationship types are either package-level (core props) or officeDocument-level. */
const rel = (id: string, type: string, target: string): Relationship => ({
  id,
  type: type.startsWith('http') ? type : `${NS_REL}/${type}`,
  target,
});

const relsXml = (rels: Relationship[]): string =>
  xmlPart(
    `<Relationships xmlns="${NS_PKG_RELS}">` +
      rels.map((r) => `<Relationship Id="${r.id}" Type="${r.type}" Target="${esc(r.target)}"/>`).join('') +
      '</Relationships>',
  );

const contentTypesXml = (overrides: Record<string, string>): string =>
  xmlPart(
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      Object.entries(overrides)
        .map(([part, type]) => `<Override PartName="${part}" ContentType="${type}"/>`)
        .join('') +
      `<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
      `<Override PartName="/docProps/app.xml" ContentType="${CT_PREFIX}extended-properties+xml"/>` +
      '</Types>',
  );

const corePropsXml = (title: string): string =>
  xmlPart(
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"' +
      ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"' +
      ' xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
      (title ? `<dc:title>${esc(title)}</dc:title>` : '') +
      '<dc:creator>WOPI Portal</dc:creator>' +
      `<dcterms:created xsi:type="dcterms:W3CDTF">${FIXED_TIMESTAMP}</dcterms:created>` +
      `<dcterms:modified xsi:type="dcterms:W3CDTF">${FIXED_TIMESTAMP}</dcterms:modified>` +
      '</cp:coreProperties>',
  );

const appPropsXml = (): string =>
  xmlPart(
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"' +
      ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">' +
      '<Application>WOPI Portal</Application></Properties>',
  );

/** Wraps the format-specific parts with the package plumbing every OOXML file needs. */
const ooxmlPackage = (
  title: string,
  mainPart: string,
  overrides: Record<string, string>,
  parts: ZipEntry[],
): Uint8Array =>
  zipEntries([
    { path: '[Content_Types].xml', content: contentTypesXml(overrides) },
    {
      path: '_rels/.rels',
      content: relsXml([
        rel('rId1', 'officeDocument', mainPart),
        rel('rId2', `${NS_PKG_RELS}/metadata/core-properties`, 'docProps/core.xml'),
        rel('rId3', 'extended-properties', 'docProps/app.xml'),
      ]),
    },
    { path: 'docProps/core.xml', content: corePropsXml(title) },
    { path: 'docProps/app.xml', content: appPropsXml() },
    ...parts,
  ]);

// ---------- WordprocessingML ----------

const wordText = (text: string): string =>
  text
    .split('\n')
    .map((line) => `<w:t xml:space="preserve">${esc(line)}</w:t>`)
    .join('<w:br/>');

const wordParagraph = (text: string, runProps = '', paraProps = ''): string =>
  text === ''
    ? `<w:p>${paraProps ? `<w:pPr>${paraProps}</w:pPr>` : ''}</w:p>`
    : `<w:p>${paraProps ? `<w:pPr>${paraProps}</w:pPr>` : ''}<w:r>${runProps ? `<w:rPr>${runProps}</w:rPr>` : ''}${wordText(text)}</w:r></w:p>`;

export const makeDocx = ({ title, paragraphs }: { title: string; paragraphs: string[] }): Uint8Array => {
  const body = [
    ...(title
      ? [wordParagraph(title, '<w:b/><w:bCs/><w:sz w:val="36"/><w:szCs w:val="36"/>', '<w:spacing w:after="240"/>')]
      : []),
    ...paragraphs.map((p) => wordParagraph(p, '', '<w:spacing w:after="160"/>')),
  ];
  const document = xmlPart(
    `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="${NS_REL}">` +
      '<w:body>' +
      (body.length > 0 ? body.join('') : '<w:p/>') +
      '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>' +
      '<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="708" w:footer="708" w:gutter="0"/>' +
      '</w:sectPr></w:body></w:document>',
  );
  return ooxmlPackage(
    title,
    'word/document.xml',
    { '/word/document.xml': `${CT_PREFIX}wordprocessingml.document.main+xml` },
    [
      { path: 'word/document.xml', content: document },
      { path: 'word/_rels/document.xml.rels', content: relsXml([]) },
    ],
  );
};

// ---------- SpreadsheetML ----------

/** 0 → A, 25 → Z, 26 → AA, 701 → ZZ, 702 → AAA. */
export const columnName = (index: number): string => {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  }
  return name;
};

// Excel rejects sheet names that are empty, longer than 31 chars or contain : \ / ? * [ ].
const safeSheetName = (name: string): string =>
  name
    .replace(/[:\\/?*[\]]/g, ' ')
    .replace(/^'+|'+$/g, '')
    .trim()
    .slice(0, 31) || 'Sheet1';

const STYLES_XML = xmlPart(
  '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>' +
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>' +
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>' +
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
    '</styleSheet>',
);

const sheetCell = (value: string | number, ref: string, style: string): string =>
  typeof value === 'number' && Number.isFinite(value)
    ? `<c r="${ref}"${style}><v>${value}</v></c>`
    : `<c r="${ref}"${style} t="inlineStr"><is><t xml:space="preserve">${esc(String(value))}</t></is></c>`;

export const makeXlsx = ({
  sheetName,
  rows,
  boldFirstRow = false,
}: {
  sheetName: string;
  rows: (string | number)[][];
  boldFirstRow?: boolean;
}): Uint8Array => {
  const width = Math.max(0, ...rows.map((r) => r.length));
  const sheetRows = rows
    .map((cells, r) => {
      const style = boldFirstRow && r === 0 ? ' s="1"' : '';
      const xml = cells.map((value, c) => sheetCell(value, `${columnName(c)}${r + 1}`, style)).join('');
      return `<row r="${r + 1}">${xml}</row>`;
    })
    .join('');
  const dimension = width > 0 && rows.length > 0 ? `A1:${columnName(width - 1)}${rows.length}` : 'A1';
  const sheet = xmlPart(
    `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${NS_REL}">` +
      `<dimension ref="${dimension}"/>` +
      (width > 0 ? `<cols><col min="1" max="${width}" width="16" customWidth="1"/></cols>` : '') +
      (sheetRows ? `<sheetData>${sheetRows}</sheetData>` : '<sheetData/>') +
      '</worksheet>',
  );
  const workbook = xmlPart(
    `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${NS_REL}">` +
      `<sheets><sheet name="${esc(safeSheetName(sheetName))}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
  );
  return ooxmlPackage(
    sheetName,
    'xl/workbook.xml',
    {
      '/xl/workbook.xml': `${CT_PREFIX}spreadsheetml.sheet.main+xml`,
      '/xl/worksheets/sheet1.xml': `${CT_PREFIX}spreadsheetml.worksheet+xml`,
      '/xl/styles.xml': `${CT_PREFIX}spreadsheetml.styles+xml`,
    },
    [
      { path: 'xl/workbook.xml', content: workbook },
      {
        path: 'xl/_rels/workbook.xml.rels',
        content: relsXml([rel('rId1', 'worksheet', 'worksheets/sheet1.xml'), rel('rId2', 'styles', 'styles.xml')]),
      },
      { path: 'xl/worksheets/sheet1.xml', content: sheet },
      { path: 'xl/styles.xml', content: STYLES_XML },
    ],
  );
};

// ---------- PresentationML ----------

const NS_DML = 'http://schemas.openxmlformats.org/drawingml/2006/main';
const PML_NS = `xmlns:a="${NS_DML}" xmlns:r="${NS_REL}" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"`;
// Master and layout ids share one space that must start at 2^31 (ECMA-376 §19.2.1.{33,34}).
const MASTER_ID = 2147483648;
const LAYOUT_ID = MASTER_ID + 1;
const FIRST_SLIDE_ID = 256;

const GROUP_HEADER =
  '<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>' +
  '<p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>';

const drawingParagraph = (text: string): string =>
  text === ''
    ? '<a:p><a:endParaRPr lang="en-US"/></a:p>'
    : `<a:p><a:r><a:rPr lang="en-US" dirty="0"/><a:t>${esc(text)}</a:t></a:r></a:p>`;

type Placeholder = { kind: 'title' | 'body'; spPr: string; paragraphs: string[]; master: boolean; bodyPr?: string };

const placeholderShape = ({ kind, spPr, paragraphs, master, bodyPr = '<a:bodyPr/>' }: Placeholder): string => {
  const [id, name, ph] =
    kind === 'title'
      ? [2, 'Title 1', '<p:ph type="title"/>']
      : [3, 'Content Placeholder 2', master ? '<p:ph type="body" idx="1"/>' : '<p:ph idx="1"/>'];
  return (
    `<p:sp><p:nvSpPr><p:cNvPr id="${id}" name="${name}"/><p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>` +
    `<p:nvPr>${ph}</p:nvPr></p:nvSpPr>${spPr}<p:txBody>${bodyPr}<a:lstStyle/>` +
    (paragraphs.length > 0 ? paragraphs.map(drawingParagraph).join('') : drawingParagraph('')) +
    '</p:txBody></p:sp>'
  );
};

const rectSpPr = (x: number, y: number, cx: number, cy: number): string =>
  `<p:spPr><a:xfrm><a:off x="${x}" y="${y}"/><a:ext cx="${cx}" cy="${cy}"/></a:xfrm>` +
  '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr>';

const PROMPTS = ['Click to edit Master title style', 'Click to edit Master text styles'] as const;

// The master owns geometry; layout and slide placeholders inherit it through empty spPr.
const placeholders = (title: string[], body: string[], master = false): string =>
  placeholderShape({
    kind: 'title',
    spPr: master ? rectSpPr(838200, 365125, 10515600, 1325563) : '<p:spPr/>',
    paragraphs: title,
    master,
    bodyPr: master ? '<a:bodyPr anchor="ctr"><a:normAutofit/></a:bodyPr>' : undefined,
  }) +
  placeholderShape({
    kind: 'body',
    spPr: master ? rectSpPr(838200, 1825625, 10515600, 4351338) : '<p:spPr/>',
    paragraphs: body,
    master,
    bodyPr: master ? '<a:bodyPr><a:normAutofit/></a:bodyPr>' : undefined,
  });

const levelStyle = (size: number, extra: string, bullet: string, font: 'mj' | 'mn'): string =>
  `<a:lvl1pPr ${extra}algn="l" defTabSz="914400" rtl="0" eaLnBrk="1" latinLnBrk="0" hangingPunct="1">` +
  `${bullet}<a:defRPr sz="${size}" kern="1200"><a:solidFill><a:schemeClr val="tx1"/></a:solidFill>` +
  `<a:latin typeface="+${font}-lt"/><a:ea typeface="+${font}-ea"/><a:cs typeface="+${font}-cs"/></a:defRPr></a:lvl1pPr>`;

const TEXT_STYLES =
  '<p:txStyles>' +
  `<p:titleStyle>${levelStyle(4400, '', '<a:lnSpc><a:spcPct val="90000"/></a:lnSpc><a:spcBef><a:spcPct val="0"/></a:spcBef><a:buNone/>', 'mj')}</p:titleStyle>` +
  `<p:bodyStyle>${levelStyle(2800, 'marL="228600" indent="-228600" ', '<a:lnSpc><a:spcPct val="90000"/></a:lnSpc><a:spcBef><a:spcPts val="1000"/></a:spcBef><a:buFont typeface="Arial"/><a:buChar char="&#8226;"/>', 'mn')}</p:bodyStyle>` +
  `<p:otherStyle>${levelStyle(1800, 'marL="0" ', '', 'mn')}</p:otherStyle>` +
  '</p:txStyles>';

const CLR_MAP =
  'bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" accent3="accent3"' +
  ' accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"';

const SLIDE_MASTER = xmlPart(
  `<p:sldMaster ${PML_NS}><p:cSld><p:bg><p:bgRef idx="1001"><a:schemeClr val="bg1"/></p:bgRef></p:bg>` +
    `<p:spTree>${GROUP_HEADER}${placeholders([PROMPTS[0]], [PROMPTS[1]], true)}</p:spTree></p:cSld>` +
    `<p:clrMap ${CLR_MAP}/><p:sldLayoutIdLst><p:sldLayoutId id="${LAYOUT_ID}" r:id="rId1"/></p:sldLayoutIdLst>` +
    `${TEXT_STYLES}</p:sldMaster>`,
);

const SLIDE_LAYOUT = xmlPart(
  `<p:sldLayout ${PML_NS} type="obj" preserve="1"><p:cSld name="Title and Content">` +
    `<p:spTree>${GROUP_HEADER}${placeholders([PROMPTS[0]], [PROMPTS[1]])}</p:spTree></p:cSld>` +
    '<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>',
);

const color = (name: string, hex: string): string => `<a:${name}><a:srgbClr val="${hex}"/></a:${name}>`;
const phFill = (mod = ''): string => `<a:solidFill><a:schemeClr val="phClr">${mod}</a:schemeClr></a:solidFill>`;
const line = (width: number): string =>
  `<a:ln w="${width}" cap="flat" cmpd="sng" algn="ctr">${phFill()}<a:prstDash val="solid"/><a:miter lim="800000"/></a:ln>`;
const fonts = (latin: string): string => `<a:latin typeface="${latin}"/><a:ea typeface=""/><a:cs typeface=""/>`;

// PowerPoint refuses themes whose fmtScheme lists hold fewer than three entries each.
const THEME = xmlPart(
  `<a:theme xmlns:a="${NS_DML}" name="Office Theme"><a:themeElements>` +
    '<a:clrScheme name="Office">' +
    '<a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1><a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>' +
    color('dk2', '44546A') +
    color('lt2', 'E7E6E6') +
    color('accent1', '4472C4') +
    color('accent2', 'ED7D31') +
    color('accent3', 'A5A5A5') +
    color('accent4', 'FFC000') +
    color('accent5', '5B9BD5') +
    color('accent6', '70AD47') +
    color('hlink', '0563C1') +
    color('folHlink', '954F72') +
    '</a:clrScheme>' +
    `<a:fontScheme name="Office"><a:majorFont>${fonts('Calibri Light')}</a:majorFont>` +
    `<a:minorFont>${fonts('Calibri')}</a:minorFont></a:fontScheme>` +
    '<a:fmtScheme name="Office">' +
    `<a:fillStyleLst>${phFill()}${phFill('<a:tint val="50000"/>')}${phFill('<a:shade val="80000"/>')}</a:fillStyleLst>` +
    `<a:lnStyleLst>${line(6350)}${line(12700)}${line(19050)}</a:lnStyleLst>` +
    `<a:effectStyleLst>${'<a:effectStyle><a:effectLst/></a:effectStyle>'.repeat(3)}</a:effectStyleLst>` +
    `<a:bgFillStyleLst>${phFill()}${phFill('<a:tint val="95000"/>')}${phFill('<a:shade val="90000"/>')}</a:bgFillStyleLst>` +
    '</a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>',
);

const presentationXml = (): string =>
  xmlPart(
    `<p:presentation ${PML_NS} saveSubsetFonts="1">` +
      `<p:sldMasterIdLst><p:sldMasterId id="${MASTER_ID}" r:id="rId1"/></p:sldMasterIdLst>` +
      `<p:sldIdLst><p:sldId id="${FIRST_SLIDE_ID}" r:id="rId2"/></p:sldIdLst>` +
      '<p:sldSz cx="12192000" cy="6858000"/><p:notesSz cx="6858000" cy="9144000"/></p:presentation>',
  );

const slideXml = (title: string, bullets: string[]): string =>
  xmlPart(
    `<p:sld ${PML_NS}><p:cSld><p:spTree>${GROUP_HEADER}` +
      placeholders(
        title ? [title.replace(/\s*\n\s*/g, ' ')] : [],
        bullets.flatMap((b) => b.split('\n')),
      ) +
      '</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>',
  );

export const makePptx = ({ title, bullets }: { title: string; bullets: string[] }): Uint8Array =>
  ooxmlPackage(
    title,
    'ppt/presentation.xml',
    {
      '/ppt/presentation.xml': `${CT_PREFIX}presentationml.presentation.main+xml`,
      '/ppt/slideMasters/slideMaster1.xml': `${CT_PREFIX}presentationml.slideMaster+xml`,
      '/ppt/slideLayouts/slideLayout1.xml': `${CT_PREFIX}presentationml.slideLayout+xml`,
      '/ppt/slides/slide1.xml': `${CT_PREFIX}presentationml.slide+xml`,
      '/ppt/theme/theme1.xml': `${CT_PREFIX}theme+xml`,
    },
    [
      { path: 'ppt/presentation.xml', content: presentationXml() },
      {
        path: 'ppt/_rels/presentation.xml.rels',
        content: relsXml([
          rel('rId1', 'slideMaster', 'slideMasters/slideMaster1.xml'),
          rel('rId2', 'slide', 'slides/slide1.xml'),
          rel('rId3', 'theme', 'theme/theme1.xml'),
        ]),
      },
      { path: 'ppt/slideMasters/slideMaster1.xml', content: SLIDE_MASTER },
      {
        path: 'ppt/slideMasters/_rels/slideMaster1.xml.rels',
        content: relsXml([
          rel('rId1', 'slideLayout', '../slideLayouts/slideLayout1.xml'),
          rel('rId2', 'theme', '../theme/theme1.xml'),
        ]),
      },
      { path: 'ppt/slideLayouts/slideLayout1.xml', content: SLIDE_LAYOUT },
      {
        path: 'ppt/slideLayouts/_rels/slideLayout1.xml.rels',
        content: relsXml([rel('rId1', 'slideMaster', '../slideMasters/slideMaster1.xml')]),
      },
      { path: 'ppt/slides/slide1.xml', content: slideXml(title, bullets) },
      {
        path: 'ppt/slides/_rels/slide1.xml.rels',
        content: relsXml([rel('rId1', 'slideLayout', '../slideLayouts/slideLayout1.xml')]),
      },
      { path: 'ppt/theme/theme1.xml', content: THEME },
    ],
  );
