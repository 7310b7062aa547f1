// Each editor's encoder, rebuilt from its source so the wire below is what it really sends.
export const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Appends UTF-16 units to an open base64 run, keeping the bits that do not fill a digit yet. */
const pushUnits = ({ run, units }: { run: { out: string; acc: number; bits: number }; units: number[] }) => {
  for (const unit of units) {
    run.acc = (run.acc << 16) | unit;
    run.bits += 16;
    while (run.bits >= 6) {
      run.bits -= 6;
      run.out += BASE64[(run.acc >> run.bits) & 0x3f];
    }
    run.acc &= (1 << run.bits) - 1;
  }
};
const unitsOf = (text: string) => Array.from({ length: text.length }, (_, i) => text.charCodeAt(i));

/**
 * glibc iconvdata/utf-7.c, "UTF-8"→"UTF-7" as Collabora calls it (common/CharacterConverter.hpp):
 * set D, space, tab, CR, LF direct (UTF7_ENCODE_OPTIONAL_CHARS 1 shifts "!#$…"; `isOptionalDirect`
 * passes them, RFC 2152's other choice), "+-" outside a run, "-" ending a run only before a base64
 * character or "-". `isFlushed: false` is older Collabora (wsd/Storage.cpp without the flush call):
 * a run ending the name loses its pending bits and its "-".
 */
export const encodeLikeGlibc = (name: string, { isOptionalDirect = false, isFlushed = true } = {}) => {
  const direct = isOptionalDirect
    ? /[\t\n\r A-Za-z0-9'(),\-./:?!"#$%&*;<=>@[\]^_`{|}]/
    : /[\t\n\r A-Za-z0-9'(),\-./:?]/;
  const run = { out: '', acc: 0, bits: 0 };
  let isShifted = false;
  for (const char of name) {
    if (direct.test(char)) {
      if (isShifted && run.bits > 0) run.out += BASE64[(run.acc << (6 - run.bits)) & 0x3f];
      if (isShifted && /[A-Za-z0-9+/-]/.test(char)) run.out += '-';
      run.out += char;
      isShifted = false;
      run.acc = run.bits = 0;
    } else if (!isShifted && char === '+') {
      run.out += '+-';
    } else {
      if (!isShifted) run.out += '+';
      isShifted = true;
      pushUnits({ run, units: unitsOf(char) });
    }
  }
  if (isShifted && isFlushed) run.out += (run.bits > 0 ? BASE64[(run.acc << (6 - run.bits)) & 0x3f] : '') + '-';

  return run.out;
};

/** .NET Encoding.UTF7 (what Microsoft's WOPI validator uses): set D, space, tab, CR, LF direct, every run closed with "-". */
export const encodeLikeDotNet = (name: string) => {
  const run = { out: '', acc: 0, bits: 0 };
  let isShifted = false;
  for (const unit of unitsOf(name)) {
    const char = String.fromCharCode(unit);
    if (/[\t\n\r A-Za-z0-9'(),\-./:?]/.test(char)) {
      if (isShifted) run.out += (run.bits > 0 ? BASE64[(run.acc << (6 - run.bits)) & 0x3f] : '') + '-';
      run.out += char;
      isShifted = false;
      run.acc = run.bits = 0;
    } else if (!isShifted && char === '+') {
      run.out += '+-';
    } else {
      if (!isShifted) run.out += '+';
      isShifted = true;
      pushUnits({ run, units: [unit] });
    }
  }
  if (isShifted) run.out += (run.bits > 0 ? BASE64[(run.acc << (6 - run.bits)) & 0x3f] : '') + '-';

  return run.out;
};

/** The validator's UrlHelper.GetUTF7EncodedUnescapedDataString: URL-encode the UTF-7, unescape all but "+". */
export const encodeLikeValidatorTarget = (name: string) => encodeLikeDotNet(name).replace(/ /g, '+');
