import utf7 from 'utf7';

// UTF-7 (RFC 2152): "+<base64>[-]" runs of UTF-16 code units; "+-" is a literal "+". Clients
// that route names through URL encoding (.NET ones, the official validator) also send spaces
// as "+". A run is accepted as UTF-7 only when its bits make whole UTF-16 units (fewer than 6
// zero bits left over) that form valid text; if any "+" in the value fails that test, every "+"
// in it is taken as a space ("Copy+of+Contract.docx").
const RUN = /\+([A-Za-z0-9+/]*)(-?)/g;
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

// Writing systems of decoded runs. A real name's run stays within one (plus ASCII and accented
// Latin); "Project+Proposal" read as UTF-7 gives CJK, a math symbol and Hangul at once.
const SCRIPTS: [number, number, string][] = [
  [0x0370, 0x052f, 'greek-cyrillic'],
  [0x0590, 0x08ff, 'hebrew-arabic'],
  [0x0900, 0x0dff, 'indic'],
  [0x0e00, 0x0eff, 'thai-lao'],
  [0x1100, 0x11ff, 'hangul'],
  [0x2000, 0x206f, 'punctuation'],
  [0x2e80, 0x2fdf, 'cjk'],
  [0x3000, 0x30ff, 'cjk'],
  [0x3130, 0x318f, 'hangul'],
  [0x3400, 0x9fff, 'cjk'],
  [0xac00, 0xd7af, 'hangul'],
  [0xf900, 0xfaff, 'cjk'],
  [0xff00, 0xffef, 'cjk'],
];

const isPlausibleText = (text: string) => {
  const scripts = new Set<string>();
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x250 || code > 0xffff) continue; // ASCII, accented Latin, emoji
    const script = SCRIPTS.find(([from, to]) => code >= from && code <= to)?.[2] ?? 'other';
    if (script === 'other') return false;
    if (script !== 'punctuation') scripts.add(script);
  }

  return scripts.size <= 1;
};

const decodeRun = (run: string): string | null => {
  const extra = (run.length * 6) % 16;
  if (run.length === 0 || extra >= 6 || (BASE64.indexOf(run.at(-1)!) & ((1 << extra) - 1)) !== 0) return null;
  // The library's decoder does not accept "+" inside a run, so decode through Buffer.
  const bytes = Buffer.from(run, 'base64');
  let text = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) text += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
  if (!text.isWellFormed() || /[\u0000-\u001f\u007f]/.test(text) || !isPlausibleText(text)) return null;

  return text;
};

/** Decodes a UTF-7 file name header (X-WOPI-SuggestedTarget, RelativeTarget, RequestedName). */
export const decodeUtf7Name = (value: string) => {
  let isUtf7 = true;
  const decoded = value.replace(RUN, (_match, run: string, dash: string) => {
    if (run === '' && dash === '-') return '+';
    const text = decodeRun(run);
    if (text === null) isUtf7 = false;

    return text ?? '';
  });

  return isUtf7 ? decoded : value.replace(/\+/g, ' ');
};

/** UTF-7 for header values we send back (X-WOPI-ValidRelativeTarget). */
export const encodeUtf7Name = (value: string) => utf7.encode(value);
