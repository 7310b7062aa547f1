const ALLOWED_FETCH_SITES = new Set(['same-origin', 'none']);

const originOf = (value: string) => {
  try {
    return new URL(value).origin;
  } catch {
    return null;
  }
};

/**
 * Why a browser request came from another site, or null when it did not: the CSRF check of
 * every state-changing portal request. `Sec-Fetch-Site` (set by the browser, never by a page)
 * decides when present: same-origin or none pass, same-site (another port or subdomain: a
 * SameSite=Lax cookie still comes along) and cross-site do not. Without it, `Origin` must be
 * PUBLIC_URL's origin or the request's own (its Host header). A request with neither header is
 * not from a browser that could be tricked (curl, scripts, the CLI's HTTP calls) and passes:
 * every browser since 2020 sends Origin on POST.
 */
export const crossSiteReason = (request: Request, { publicUrl }: { publicUrl: string }): string | null => {
  const fetchSite = request.headers.get('sec-fetch-site')?.toLowerCase();
  if (fetchSite) return ALLOWED_FETCH_SITES.has(fetchSite) ? null : `Sec-Fetch-Site: ${fetchSite.slice(0, 20)}`;
  const origin = request.headers.get('origin');
  if (origin === null) return null;
  const url = new URL(request.url);
  const own = originOf(`${url.protocol}//${request.headers.get('host') ?? url.host}`);
  const claimed = origin === 'null' ? null : originOf(origin);

  return claimed && (claimed === own || claimed === originOf(publicUrl)) ? null : 'Origin is another site';
};
