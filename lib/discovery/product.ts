import type { EditorProduct } from '@/lib/tokens/tokens';

/**
 * Which editor product serves a discovery action, from its `urlsrc` (each product's own URL
 * layout): Collabora Online `…/browser/<hash>/cool.html` (older `…/loleaflet/<hash>/loleaflet.html`),
 * ONLYOFFICE Docs `…/hosting/wopi/<app>/<action>`, Microsoft 365 for the web and Office Online
 * Server `…/x/_layouts/…` or `…/wv/…`, `…/we/…`, `…/p/…` frames on officeapps.live.com and
 * similar. Null when it is none of those (the request headers then decide; lib/wopi/sender.ts).
 */
export const editorProductOf = (urlsrc: string): EditorProduct | null => {
  let url: URL;
  try {
    url = new URL(urlsrc);
  } catch {
    return null;
  }
  const path = url.pathname.toLowerCase();
  if (/\/(cool|loleaflet)\.html$/.test(path) || path.includes('/browser/')) return 'collabora';
  if (path.includes('/hosting/wopi/')) return 'onlyoffice';
  if (url.hostname.endsWith('.officeapps.live.com') || /\/(x\/_layouts|wv|we|p|op)\//.test(path)) return 'microsoft';

  return null;
};
