// A4 in points; margins and leading chosen for readable 12pt Helvetica.
const PAGE_WIDTH = 595;
const PAGE_HEIGHT = 842;
const MARGIN = 56;
const TITLE_SIZE = 20;
const TITLE_LEADING = 26;
const BODY_SIZE = 12;
const BODY_LEADING = 16;
// Rough character budgets per line: no font metrics are embedded, so wrap conservatively.
const TITLE_CHARS = 40;
const BODY_CHARS = 80;

// WinAnsiEncoding code points (0x80–0x9F) for characters outside Latin-1 that writers commonly use.
const WIN_ANSI: Record<string, number> = {
  '€': 0x80,
  '‚': 0x82,
  ƒ: 0x83,
  '„': 0x84,
  '…': 0x85,
  '†': 0x86,
  '‡': 0x87,
  ˆ: 0x88,
  '‰': 0x89,
  Š: 0x8a,
  '‹': 0x8b,
  Œ: 0x8c,
  Ž: 0x8e,
  '‘': 0x91,
  '’': 0x92,
  '“': 0x93,
  '”': 0x94,
  '•': 0x95,
  '–': 0x96,
  '—': 0x97,
  '˜': 0x98,
  '™': 0x99,
  š: 0x9a,
  '›': 0x9b,
  œ: 0x9c,
  ž: 0x9e,
  Ÿ: 0x9f,
};

const winAnsiByte = (char: string): number => {
  const code = char.codePointAt(0) ?? 0x3f;
  if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff)) return code;
  return WIN_ANSI[char] ?? 0x3f;
};

/** Literal string for a WinAnsi-encoded font; bytes outside ASCII become octal escapes so the file stays 7-bit. */
export const pdfString = (text: string): string => {
  let out = '(';
  for (const char of text.replace(/\t/g, '    ')) {
    const byte = winAnsiByte(char);
    if (byte === 0x28 || byte === 0x29 || byte === 0x5c) out += `\\${char}`;
    else if (byte > 0x7e) out += `\\${byte.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return `${out})`;
};

// Document-info strings are not tied to a font encoding, so non-ASCII titles go out as UTF-16BE with a BOM.
const infoString = (text: string): string => {
  if (/^[\x20-\x7e]*$/.test(text)) return pdfString(text);
  let hex = 'FEFF';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0').toUpperCase();
  return `<${hex}>`;
};

export const wrapText = (text: string, width: number): string[] => {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let current = '';
    for (const word of paragraph.split(/ +/)) {
      for (let chunk = word; chunk.length > 0; chunk = chunk.slice(width)) {
        const piece = chunk.slice(0, width);
        if (current === '') current = piece;
        else if (current.length + 1 + piece.length <= width) current += ` ${piece}`;
        else {
          lines.push(current);
          current = piece;
        }
      }
    }
    lines.push(current);
  }
  return lines;
};

const textBlock = (font: string, size: number, leading: number, y: number, lines: string[]): string =>
  lines.length === 0
    ? ''
    : `BT\n/${font} ${size} Tf\n${leading} TL\n${MARGIN} ${y} Td\n` +
      lines.map((line, i) => `${i > 0 ? 'T* ' : ''}${pdfString(line)} Tj\n`).join('') +
      'ET\n';

const paginate = (titleLines: string[], bodyLines: string[]): string[] => {
  const top = PAGE_HEIGHT - MARGIN - TITLE_SIZE;
  const perPage = (y: number): number => Math.max(1, Math.floor((y - MARGIN) / BODY_LEADING) + 1);
  const firstBodyY = titleLines.length > 0 ? top - titleLines.length * TITLE_LEADING - BODY_LEADING : top;
  const streams: string[] = [];
  let remaining = bodyLines;
  let y = firstBodyY;
  do {
    const count = perPage(y);
    const head = streams.length === 0 ? textBlock('F2', TITLE_SIZE, TITLE_LEADING, top, titleLines) : '';
    streams.push(head + textBlock('F1', BODY_SIZE, BODY_LEADING, y, remaining.slice(0, count)));
    remaining = remaining.slice(count);
    y = top;
  } while (remaining.length > 0);
  return streams;
};

/** Serialises objects 1..n with a classic xref table; every xref row is exactly 20 bytes. */
const serialise = (objects: string[]): Uint8Array => {
  // The binary comment tells transfer tools the file is not plain text (ISO 32000-1 §7.5.2).
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xrefOffset = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f\r\n`;
  out += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n\r\n`).join('');
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return Uint8Array.from(out, (char) => char.charCodeAt(0));
};

export const makePdf = ({ title, lines }: { title: string; lines: string[] }): Uint8Array => {
  const titleLines = title ? wrapText(title, TITLE_CHARS) : [];
  const bodyLines = lines.flatMap((line) => wrapText(line, BODY_CHARS));
  const streams = paginate(titleLines, bodyLines);
  // Fixed objects 1–5, then a (page, content) pair per page starting at object 6.
  const pageRefs = streams.map((_, i) => `${6 + 2 * i} 0 R`).join(' ');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${pageRefs}] /Count ${streams.length} >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>',
    `<< /Title ${infoString(title)} /Producer (WOPI Portal) /CreationDate (D:20260101000000Z) >>`,
  ];
  streams.forEach((stream, i) => {
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}]` +
        ` /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${7 + 2 * i} 0 R >>`,
      // Stream bytes are 7-bit, so string length equals byte length.
      `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    );
  });
  return serialise(objects);
};
