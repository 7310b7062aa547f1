import { parseAuditQuery } from '@/lib/audit/filter';
import { TIME_ZONE_COOKIE } from '@/lib/audit/time-zone';

/** The value of cookie `name` in a Cookie header (URI-decoded), else undefined. */
export const cookieValue = (header: string | null, name: string) => {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) {
      try {
        return decodeURIComponent(value.join('='));
      } catch {
        return undefined;
      }
    }
  }

  return undefined;
};

/** The audit filter and page position of an API request: its query string, else the time-zone cookie. */
export const auditQueryOf = (request: Request) =>
  parseAuditQuery(new URL(request.url).searchParams, {
    timeZone: cookieValue(request.headers.get('cookie'), TIME_ZONE_COOKIE),
  });
