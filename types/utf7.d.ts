declare module 'utf7' {
  /** RFC 2152 UTF-7. `mask`: extra characters to leave unencoded. */
  export function encode(text: string, mask?: string): string;
  export function encodeAll(text: string): string;
  export function decode(text: string): string;
  export const imap: { encode(text: string): string; decode(text: string): string };
  const utf7: { encode: typeof encode; encodeAll: typeof encodeAll; decode: typeof decode; imap: typeof imap };
  export default utf7;
}
