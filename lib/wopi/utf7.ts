import utf7 from 'utf7';

// A shifted run "+<base64>[-]" is real UTF-7 only when its bits make whole UTF-16 units with
// fewer than 6 zero bits left over (RFC 2152). Anything else is a literal: .NET-based clients
// (and the official validator) send target names through URL encoding, turning spaces into '+'.
const SHIFTED = /\+([A-Za-z0-9/]*)(-?)/g;
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

const isWellFormedRun = (run: string) => {
  const extra = (run.length * 6) % 16;
  if (run.length === 0 || extra >= 6) return false;

  return (BASE64.indexOf(run.at(-1)!) & ((1 << extra) - 1)) === 0;
};

/** Decodes a UTF-7 file name header (X-WOPI-SuggestedTarget, RelativeTarget, RequestedName). */
export const decodeUtf7Name = (value: string) =>
  value.replace(SHIFTED, (match, run: string, dash: string) => {
    if (run === '') return dash === '-' ? '+' : ' ';
    if (isWellFormedRun(run)) return utf7.decode(match);

    return ` ${match.slice(1)}`;
  });

/** UTF-7 for header values we send back (X-WOPI-ValidRelativeTarget). */
export const encodeUtf7Name = (value: string) => utf7.encode(value);
