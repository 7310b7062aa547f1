// Action URLs from discovery `urlsrc` templates:
// https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/online/discovery#transform-the-urlsrc-parameter

/** `<name=PLACEHOLDER&>` (the trailing `&` is missing on some Microsoft templates). */
const PLACEHOLDER = /<([^<>=]+)=([^<>&]*)&?>/g;

const WOPI_SOURCE = 'WOPI_SOURCE';

/**
 * Fills a discovery `urlsrc`: each `<name=PLACEHOLDER&>` becomes `name=<encoded value>&` when
 * `values[PLACEHOLDER]` is a non-empty string and disappears otherwise. `WOPI_SOURCE` defaults to
 * `wopiSrc` (ONLYOFFICE reads only its own lower-case `wopisrc`); when the template has no such
 * placeholder, `WOPISrc=<encoded wopiSrc>` is appended. Empty query segments are dropped.
 */
export const buildActionUrl = ({
  urlsrc,
  wopiSrc,
  values,
}: {
  urlsrc: string;
  wopiSrc: string;
  values: Partial<Record<string, string>>;
}): string => {
  const filled = urlsrc
    .trim()
    .replace(PLACEHOLDER, (_segment, name: string, placeholder: string) => {
      const key = placeholder.trim();
      const value = values[key] || (key === WOPI_SOURCE ? wopiSrc : undefined);

      return value ? `${name.trim()}=${encodeURIComponent(value)}&` : '';
    })
    // A malformed template must not leak markup into the URL.
    .replace(/<[^<>]*>/g, '')
    .replace(/[<>]/g, '');

  const hashAt = filled.indexOf('#');
  const withoutHash = hashAt === -1 ? filled : filled.slice(0, hashAt);
  const hash = hashAt === -1 ? '' : filled.slice(hashAt);
  const queryAt = withoutHash.indexOf('?');
  const base = queryAt === -1 ? withoutHash : withoutHash.slice(0, queryAt);
  const params = (queryAt === -1 ? '' : withoutHash.slice(queryAt + 1)).split('&').filter(Boolean);
  const hasWopiSrc = params.some((param) => param.split('=', 1)[0]!.toLowerCase() === 'wopisrc');
  if (!hasWopiSrc) params.push(`WOPISrc=${encodeURIComponent(wopiSrc)}`);

  return `${base}?${params.join('&')}${hash}`;
};
