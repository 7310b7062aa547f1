// Where sign-in may send the browser back to. No imports: the login form (a client component)
// uses it too.

const MAX_LENGTH = 2048;
const MAX_DECODE_LAYERS = 5;
// Browsers drop tabs and newlines inside URLs and read "\" as "/", so "/\evil", "/\t/evil" and
// "//evil" all leave the site.
const UNSAFE_CHAR = /[\u0000-\u001f\u007f\\]/;
const PROBE_ORIGIN = 'http://callback.invalid';

/** True when `layer` is a plain path on this origin: "/" first, not "//", no "\" or control character. */
const isPlainPath = (layer: string) =>
  layer.startsWith('/') &&
  !layer.startsWith('//') &&
  !UNSAFE_CHAR.test(layer) &&
  new URL(layer, PROBE_ORIGIN).origin === PROBE_ORIGIN;

/**
 * The value and each of its percent-decodings (up to 5). A value whose own escapes are malformed
 * gives null; a deeper layer that no longer decodes ends the list ("100%25" → "100%").
 */
const decodedLayers = (value: string): string[] | null => {
  const layers = [value];
  for (let i = 0; i < MAX_DECODE_LAYERS; i++) {
    const current = layers[layers.length - 1]!;
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return i === 0 ? null : layers;
    }
    if (next === current) return layers;
    layers.push(next);
  }

  return layers;
};

/**
 * The `callbackUrl` of /login if it is a path on this site, else "/". Every percent-decoding of
 * it must be a plain path too: whatever decodes it next (a router, a proxy, the browser) must
 * not find "//", "/\" or a control character in it. Deep links keep their encoding
 * ("/?folder=A%20B").
 */
export const safeCallbackPath = (value: unknown): string => {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) return '/';
  const layers = decodedLayers(value);

  return layers?.every(isPlainPath) ? value : '/';
};

/**
 * next-auth's `callbacks.redirect`: a path, or an absolute URL on `baseUrl`'s origin, whose path
 * passes `safeCallbackPath`, as an absolute URL; anything else is `baseUrl`.
 */
export const safeRedirectUrl = ({ url, baseUrl }: { url: string; baseUrl: string }): string => {
  const origin = new URL(baseUrl).origin;
  let path = url;
  if (!url.startsWith('/')) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return baseUrl;
    }
    if (parsed.origin !== origin) return baseUrl;
    path = url.slice(parsed.origin.length) || '/';
  }
  const safe = safeCallbackPath(path);

  return safe === path ? `${origin}${safe}` : baseUrl;
};
