import { escapeXml as esc, FIXED_TIMESTAMP, xmlPart, zipEntries } from './xml';

const NS = {
  office: 'urn:oasis:names:tc:opendocument:xmlns:office:1.0',
  style: 'urn:oasis:names:tc:opendocument:xmlns:style:1.0',
  text: 'urn:oasis:names:tc:opendocument:xmlns:text:1.0',
  table: 'urn:oasis:names:tc:opendocument:xmlns:table:1.0',
  draw: 'urn:oasis:names:tc:opendocument:xmlns:drawing:1.0',
  presentation: 'urn:oasis:names:tc:opendocument:xmlns:presentation:1.0',
  svg: 'urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0',
  fo: 'urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0',
  meta: 'urn:oasis:names:tc:opendocument:xmlns:meta:1.0',
  dc: 'http://purl.org/dc/elements/1.1/',
} as const;

export const ODF_MIME_TYPES = {
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
} as const;

type OdfKind = keyof typeof ODF_MIME_TYPES;
type Prefix = keyof typeof NS;

const ns = (...prefixes: Prefix[]): string => prefixes.map((p) => `xmlns:${p}="${NS[p]}"`).join(' ');

const root = (element: string, prefixes: Prefix[], body: string): string =>
  xmlPart(`<office:${element} ${ns('office', ...prefixes)} office:version="1.2">${body}</office:${element}>`);

/** ODF collapses whitespace, so runs of spaces, tabs and newlines need explicit elements. */
export const odfText = (text: string): string =>
  esc(text)
    .replace(/\t/g, '<text:tab/>')
    .replace(/\r?\n/g, '<text:line-break/>')
    .replace(/ {2,}/g, (run) => ` <text:s text:c="${run.length - 1}"/>`)
    .replace(/^ /, '<text:s/>');

const manifestXml = (kind: OdfKind): string =>
  xmlPart(
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">' +
      `<manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="${ODF_MIME_TYPES[kind]}"/>` +
      ['content.xml', 'styles.xml', 'meta.xml']
        .map((path) => `<manifest:file-entry manifest:full-path="${path}" manifest:media-type="text/xml"/>`)
        .join('') +
      '</manifest:manifest>',
  );

const metaXml = (title: string): string =>
  root(
    'document-meta',
    ['meta', 'dc'],
    '<office:meta><meta:generator>WOPI Portal</meta:generator>' +
      (title ? `<dc:title>${esc(title)}</dc:title>` : '') +
      `<meta:creation-date>${FIXED_TIMESTAMP}</meta:creation-date><dc:date>${FIXED_TIMESTAMP}</dc:date></office:meta>`,
  );

const odfPackage = (kind: OdfKind, title: string, content: string, styles: string): Uint8Array =>
  zipEntries([
    // ODF 1.2 §3.3: readers sniff the type from an uncompressed first entry named "mimetype".
    { path: 'mimetype', content: ODF_MIME_TYPES[kind], store: true },
    { path: 'content.xml', content },
    { path: 'styles.xml', content: styles },
    { path: 'meta.xml', content: metaXml(title) },
    { path: 'META-INF/manifest.xml', content: manifestXml(kind) },
  ]);

const pageLayout = (name: string, width: string, height: string, margin: string): string =>
  `<style:page-layout style:name="${name}"><style:page-layout-properties fo:page-width="${width}" fo:page-height="${height}"` +
  ` style:print-orientation="${parseFloat(width) > parseFloat(height) ? 'landscape' : 'portrait'}" fo:margin-top="${margin}"` +
  ` fo:margin-bottom="${margin}" fo:margin-left="${margin}" fo:margin-right="${margin}"/></style:page-layout>`;

const SANS = 'fo:font-family="Liberation Sans" style:font-family-generic="swiss"';

// ---------- Text ----------

const TEXT_STYLES = root(
  'document-styles',
  ['style', 'text', 'fo'],
  '<office:styles>' +
    '<style:default-style style:family="paragraph"><style:text-properties fo:font-size="12pt" fo:language="en" fo:country="US"/></style:default-style>' +
    '<style:style style:name="Standard" style:family="paragraph" style:class="text"/>' +
    '<style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph" style:parent-style-name="Standard" style:class="text">' +
    '<style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0.25cm"/></style:style>' +
    '<style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" style:parent-style-name="Standard"' +
    ' style:next-style-name="Text_20_body" style:default-outline-level="1" style:class="text">' +
    '<style:paragraph-properties fo:margin-top="0.4cm" fo:margin-bottom="0.3cm" fo:keep-with-next="always"/>' +
    `<style:text-properties ${SANS} fo:font-size="18pt" fo:font-weight="bold"/></style:style>` +
    '</office:styles>' +
    `<office:automatic-styles>${pageLayout('pm1', '21cm', '29.7cm', '2cm')}</office:automatic-styles>` +
    '<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1"/></office:master-styles>',
);

export const makeOdt = ({ title, paragraphs }: { title: string; paragraphs: string[] }): Uint8Array => {
  const body =
    (title ? `<text:h text:style-name="Heading_20_1" text:outline-level="1">${odfText(title)}</text:h>` : '') +
    paragraphs.map((p) => `<text:p text:style-name="Text_20_body">${odfText(p)}</text:p>`).join('');
  const content = root(
    'document-content',
    ['style', 'text', 'fo'],
    `<office:body><office:text>${body || '<text:p text:style-name="Standard"/>'}</office:text></office:body>`,
  );
  return odfPackage('odt', title, content, TEXT_STYLES);
};

// ---------- Spreadsheet ----------

const SHEET_STYLES = root(
  'document-styles',
  ['style', 'text', 'table', 'fo'],
  '<office:styles><style:default-style style:family="table-cell"><style:text-properties fo:font-size="10pt"/></style:default-style>' +
    '<style:style style:name="Default" style:family="table-cell"/></office:styles>' +
    `<office:automatic-styles>${pageLayout('pm1', '21cm', '29.7cm', '2cm')}</office:automatic-styles>` +
    '<office:master-styles><style:master-page style:name="Default" style:page-layout-name="pm1"/></office:master-styles>',
);

const sheetCell = (value: string | number, style: string): string =>
  typeof value === 'number' && Number.isFinite(value)
    ? `<table:table-cell${style} office:value-type="float" office:value="${value}"><text:p>${value}</text:p></table:table-cell>`
    : `<table:table-cell${style} office:value-type="string"><text:p>${odfText(String(value))}</text:p></table:table-cell>`;

export const makeOds = ({
  sheetName,
  rows,
  boldFirstRow = false,
}: {
  sheetName: string;
  rows: (string | number)[][];
  boldFirstRow?: boolean;
}): Uint8Array => {
  const width = Math.max(1, ...rows.map((r) => r.length));
  // The schema requires at least one row holding at least one cell.
  const tableRows = (rows.length > 0 ? rows : [[]])
    .map((cells, r) => {
      const style = boldFirstRow && r === 0 ? ' table:style-name="ce1"' : '';
      const xml = cells.length > 0 ? cells.map((v) => sheetCell(v, style)).join('') : '<table:table-cell/>';
      return `<table:table-row>${xml}</table:table-row>`;
    })
    .join('');
  const name = sheetName.replace(/[[\]*?:/\\']/g, ' ').trim() || 'Sheet1';
  const content = root(
    'document-content',
    ['style', 'text', 'table', 'fo'],
    '<office:automatic-styles>' +
      '<style:style style:name="co1" style:family="table-column"><style:table-column-properties style:column-width="3.5cm"/></style:style>' +
      '<style:style style:name="ce1" style:family="table-cell" style:parent-style-name="Default">' +
      '<style:text-properties fo:font-weight="bold"/></style:style>' +
      '</office:automatic-styles>' +
      `<office:body><office:spreadsheet><table:table table:name="${esc(name)}">` +
      `<table:table-column table:style-name="co1" table:number-columns-repeated="${width}"/>` +
      `${tableRows}</table:table></office:spreadsheet></office:body>`,
  );
  return odfPackage('ods', sheetName, content, SHEET_STYLES);
};

// ---------- Presentation ----------

const TITLE_BOX = 'svg:x="1.4cm" svg:y="0.8cm" svg:width="25.2cm" svg:height="2.6cm"';
const OUTLINE_BOX = 'svg:x="1.4cm" svg:y="3.8cm" svg:width="25.2cm" svg:height="10.5cm"';

// Empty frames flagged as placeholders make editors show their "Click to add…" prompts.
const presentationFrame = (kind: 'title' | 'outline', inner: string): string =>
  `<draw:frame presentation:style-name="${kind === 'title' ? 'Default-title' : 'Default-outline1'}"` +
  ` ${kind === 'title' ? TITLE_BOX : OUTLINE_BOX} presentation:class="${kind}"` +
  (inner
    ? `><draw:text-box>${inner}</draw:text-box></draw:frame>`
    : ' presentation:placeholder="true"><draw:text-box/></draw:frame>');

const SLIDE_STYLES = root(
  'document-styles',
  ['style', 'text', 'draw', 'presentation', 'svg', 'fo'],
  '<office:styles>' +
    '<style:style style:name="Default-title" style:family="presentation">' +
    '<style:graphic-properties draw:stroke="none" draw:fill="none" draw:textarea-vertical-align="middle"/>' +
    `<style:text-properties ${SANS} fo:font-size="40pt"/></style:style>` +
    '<style:style style:name="Default-outline1" style:family="presentation">' +
    '<style:graphic-properties draw:stroke="none" draw:fill="none"/>' +
    '<style:paragraph-properties fo:margin-top="0.4cm"/>' +
    `<style:text-properties ${SANS} fo:font-size="28pt"/></style:style>` +
    '</office:styles>' +
    '<office:automatic-styles>' +
    pageLayout('PM1', '28cm', '15.75cm', '0cm') +
    '<style:style style:name="Mdp1" style:family="drawing-page">' +
    '<style:drawing-page-properties draw:fill="solid" draw:fill-color="#ffffff"/></style:style>' +
    '</office:automatic-styles>' +
    '<office:master-styles><style:master-page style:name="Default" style:page-layout-name="PM1" draw:style-name="Mdp1">' +
    presentationFrame('title', '') +
    presentationFrame('outline', '') +
    '</style:master-page></office:master-styles>',
);

export const makeOdp = ({ title, bullets }: { title: string; bullets: string[] }): Uint8Array => {
  const items = bullets.map((b) => `<text:list-item><text:p>${odfText(b)}</text:p></text:list-item>`).join('');
  const content = root(
    'document-content',
    ['style', 'text', 'draw', 'presentation', 'svg', 'fo'],
    '<office:automatic-styles><text:list-style style:name="L1">' +
      '<text:list-level-style-bullet text:level="1" text:bullet-char="•">' +
      '<style:list-level-properties text:space-before="0cm" text:min-label-width="0.8cm"/>' +
      '</text:list-level-style-bullet></text:list-style></office:automatic-styles>' +
      '<office:body><office:presentation><draw:page draw:name="page1" draw:master-page-name="Default">' +
      presentationFrame('title', title ? `<text:p>${odfText(title)}</text:p>` : '') +
      presentationFrame('outline', items ? `<text:list text:style-name="L1">${items}</text:list>` : '') +
      '</draw:page></office:presentation></office:body>',
  );
  return odfPackage('odp', title, content, SLIDE_STYLES);
};
