// UTF-7 (RFC 2152, https://www.rfc-editor.org/rfc/rfc2152) file names in X-WOPI-SuggestedTarget,
// X-WOPI-RelativeTarget and X-WOPI-RequestedName. Each editor encodes them its own way, so a name
// is read by the rules of whoever sent the request, never by what the decoded text looks like.

/** Who sent a WOPI request (lib/wopi/sender.ts tells from its headers). */
export type WopiSender = 'collabora' | 'onlyoffice' | 'microsoft' | 'unknown';

type Run = { units: number[]; extraBits: number; extraValue: number; isClosed: boolean; next: number };
type Shift = { text: string; next: number };

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** RFC 2152 set D and space: what encodeUtf7Name, like .NET, writes as itself. */
const DIRECT = /[A-Za-z0-9'(),\-./:? ]/;
/** .NET Encoding.UTF7 never shifts these, so a Microsoft shift that decodes to one is not a shift. */
const NET_DIRECT = /[\t\n\r A-Za-z0-9'(),\-./:?]/;
/** Not text a person names a file with: a run that decodes to these was not meant as UTF-7. */
const NOT_NAME_TEXT = /[\p{Co}\p{Noncharacter_Code_Point}]/u;
const CONTROL = /\p{Cc}/u;
/** Far above any storable name (lib/names.ts NAME_MAX_BYTES); the Microsoft reading is O(n²). */
const MAX_VALUE_LENGTH = 2048;

/** The base64 run from `from` (just after a "+"): whole UTF-16 units, leftover bits, closing "-". */
const readRun = ({ value, from }: { value: string; from: number }): Run => {
  const units: number[] = [];
  let end = from;
  let acc = 0;
  let bits = 0;
  for (; end < value.length; end++) {
    const digit = BASE64.indexOf(value[end]!);
    if (digit < 0) break;
    acc = (acc << 6) | digit;
    bits += 6;
    if (bits >= 16) {
      bits -= 16;
      units.push((acc >> bits) & 0xffff);
      acc &= (1 << bits) - 1;
    }
  }
  const isClosed = value[end] === '-';

  return { units, extraBits: bits, extraValue: acc, isClosed, next: isClosed ? end + 1 : end };
};

/** Whole UTF-16 units with zero padding (RFC 2152: fewer than 6 bits left, all zero). */
const isExact = (run: Run) => run.units.length > 0 && run.extraBits < 6 && run.extraValue === 0;

/** Decoded text, or null when it has lone surrogates or control characters. */
const textOf = (units: number[]) => {
  let text = '';
  for (const unit of units) text += String.fromCharCode(unit);

  return text.isWellFormed() && !CONTROL.test(text) ? text : null;
};

/**
 * Strict RFC 2152, "+" never a space; null where the value breaks it. How Collabora and ONLYOFFICE
 * write, and the unknown sender's first reading (`isNameTextRequired`: no private-use characters
 * or noncharacters either). `isCutTailAccepted`: Collabora before CharacterConverter flushed iconv
 * dropped the pending bits and the "-" of a run ending the name, so a final unclosed run with 12
 * or 14 bits left (a truncated run leaves no other count) lost its last UTF-16 unit: the whole
 * units are kept, the incomplete one and a high surrogate it leaves alone are dropped.
 */
const decodeStrict = ({
  value,
  isCutTailAccepted = false,
  isNameTextRequired = false,
}: {
  value: string;
  isCutTailAccepted?: boolean;
  isNameTextRequired?: boolean;
}) => {
  let out = '';
  for (let i = 0; i < value.length;) {
    if (value[i] !== '+') {
      out += value[i++];
      continue;
    }
    if (value[i + 1] === '-') {
      out += '+';
      i += 2;
      continue;
    }
    const run = readRun({ value, from: i + 1 });
    const isCutTail = isCutTailAccepted && !run.isClosed && run.next === value.length && run.extraBits >= 12;
    if (!isCutTail && !isExact(run)) return null;
    const last = run.units.at(-1) ?? 0;
    const text = textOf(isCutTail && last >= 0xd800 && last < 0xdc00 ? run.units.slice(0, -1) : run.units);
    if (text === null || (isNameTextRequired && NOT_NAME_TEXT.test(text))) return null;
    out += text;
    i = run.next;
  }

  return out;
};

/** A .NET shift at `at`: "+", base64, always "-"; never a direct character, never opening with "+". */
const readNetShift = ({ value, at }: { value: string; at: number }): Shift | null => {
  const run = readRun({ value, from: at + 1 });
  if (!run.isClosed || !isExact(run)) return null;
  const text = textOf(run.units);
  if (text === null || NET_DIRECT.test(text) || NOT_NAME_TEXT.test(text) || text.startsWith('+')) return null;

  return { text, next: run.next };
};

/**
 * The shift a "+" at `at` starts, or null. A run read from an earlier "+" swallows the spaces
 * before a later token ("+of+R+AOk-" of "Copy of Résumé", "+Rapport+-" of "Rapport - x"): when
 * a "+" inside the run starts a shift or a "+-" of its own, the shorter token wins, as a "+" is
 * far more often a space than the base64 digit 62. Not at the start of the name or after a space,
 * where reading the "+" as a space would put a space first or two in a row. Each start is read
 * once, so a long value costs O(n²) at worst.
 */
const netShiftsOf = (value: string) => {
  const shifts = new Map<number, Shift | null>();
  const shiftFrom = (at: number) => {
    if (!shifts.has(at)) shifts.set(at, readNetShift({ value, at }));

    return shifts.get(at) ?? null;
  };

  return (at: number) => {
    const shift = shiftFrom(at);
    if (!shift || at === 0 || value[at - 1] === '+' || value[at - 1] === ' ') return shift;
    const closing = shift.next - 1;
    for (let k = at + 1; k < closing; k++) {
      if (value[k] === '+' && (k === closing - 1 || shiftFrom(k))) return null;
    }

    return shift;
  };
};

/**
 * Microsoft (Office for the web, and the WOPI validator's UrlHelper.GetUTF7EncodedUnescapedDataString
 * = Uri.UnescapeDataString(HttpUtility.UrlEncode(name, Encoding.UTF7))): .NET UTF-7 closes every
 * shift with "-", then URL encoding turns spaces into "+". So a "+" is a shift only when its base64
 * run is closed by "-" and decodes to characters .NET shifts; a "+" right after a shift is a space
 * (.NET would have kept it inside the shift). "+-" is a literal "+", except "x+-+y" (no space or
 * "+" before, a space after), which is "x - y": "Report - Final" is far commoner than "x+ y".
 * Still ambiguous: " Word-" where Word happens to be exact base64 of non-direct text.
 */
const decodeMicrosoft = (value: string) => {
  const shiftAt = netShiftsOf(value);
  const isSpaceAt = (at: number) => value[at] === '+' && value[at + 1] !== '-' && shiftAt(at) === null;
  let out = '';
  let isAfterShift = false;
  for (let i = 0; i < value.length;) {
    if (value[i] !== '+') {
      out += value[i++];
      isAfterShift = false;
      continue;
    }
    const shift = isAfterShift ? null : shiftAt(i);
    if (value[i + 1] === '-' && !isAfterShift) {
      const isSpacedHyphen = out !== '' && !/[ +]$/.test(out) && isSpaceAt(i + 2);
      out += isSpacedHyphen ? ' -' : '+';
      i += 2;
    } else if (shift) {
      out += shift.text;
      i = shift.next;
      isAfterShift = true;
      continue;
    } else {
      out += ' ';
      i += 1;
    }
    isAfterShift = false;
  }

  return out;
};

/**
 * Unknown sender (a CLI token, no editor headers): each "+" run strictly by RFC 2152. A "+" whose
 * strict reading is ill-formed (bits left over, lone surrogates, control or private-use
 * characters, fewer than 16 bits) is a space, and such a space proves the value went through URL
 * encoding, which only the Microsoft path does: the value is then read by the Microsoft rules.
 */
const decodeUnknown = (value: string) => decodeStrict({ value, isNameTextRequired: true }) ?? decodeMicrosoft(value);

/**
 * A UTF-7 file name header as text, read by the rules of the editor that sent it. Never throws and
 * never produces control characters. A value with non-ASCII characters is not UTF-7 (an editor
 * sending UTF-8) and is returned as is; one longer than 2048 characters (no name is) is read
 * strictly by RFC 2152 whoever sent it, or returned as is.
 * - collabora: glibc iconv "UTF-8"→"UTF-7" (CollaboraOnline/online wsd/wopi/WopiStorage.cpp
 *   uploadLocalFileToStorageAsync via common/CharacterConverter.hpp; older wsd/Storage.cpp called
 *   iconv without the flush): space and set D direct, "+-" for "+", "-" only before a base64
 *   character or "-", and a name ending in non-ASCII may have lost its last character.
 * - onlyoffice: npm utf7.encode (ONLYOFFICE/server DocService/sources/wopiClient.js putRelativeFile
 *   and renameFile): only set D direct, spaces shifted too ("Budget+ACAgrA-"), every run closed.
 * - microsoft: see decodeMicrosoft ("Copy+of+Contract.docx" → "Copy of Contract.docx").
 * - unknown: see decodeUnknown.
 * A collabora or onlyoffice value its editor could not have written is read as an unknown one's.
 */
export const decodeUtf7Name = (value: string, sender: WopiSender): string => {
  if (/[^\p{ASCII}]/u.test(value)) return value;
  if (value.length > MAX_VALUE_LENGTH) return decodeStrict({ value }) ?? value;
  if (sender === 'microsoft') return decodeMicrosoft(value);
  if (sender === 'unknown') return decodeUnknown(value);

  return decodeStrict({ value, isCutTailAccepted: sender === 'collabora' }) ?? decodeUnknown(value);
};

/**
 * UTF-7 for X-WOPI-ValidRelativeTarget, written the way .NET's Encoding.UTF7 writes it (strict RFC
 * 2152): set D and space direct, everything else (also "!#$%&…") shifted, "+" outside a shift as
 * "+-" and inside one as base64, every shift closed with "-". glibc, npm utf7, .NET and every
 * decodeUtf7Name sender read it back: "Résumé 1+1.docx" → "R+AOk-sum+AOk- 1+-1.docx".
 */
export const encodeUtf7Name = (value: string): string => {
  let out = '';
  let acc = 0;
  let bits = 0;
  let isShifted = false;
  const close = () => {
    if (bits > 0) out += BASE64[(acc << (6 - bits)) & 0x3f];
    out += '-';
    acc = 0;
    bits = 0;
    isShifted = false;
  };
  for (let i = 0; i < value.length; i++) {
    const char = value[i]!;
    if (DIRECT.test(char)) {
      if (isShifted) close();
      out += char;
    } else if (!isShifted && char === '+') {
      out += '+-';
    } else {
      if (!isShifted) out += '+';
      isShifted = true;
      acc = (acc << 16) | value.charCodeAt(i);
      bits += 16;
      while (bits >= 6) {
        bits -= 6;
        out += BASE64[(acc >> bits) & 0x3f];
      }
      acc &= (1 << bits) - 1;
    }
  }
  if (isShifted) close();

  return out;
};
