'use client';

import { useRouter } from 'next/navigation';
import { useTimeZone } from 'next-intl';
import { useEffect } from 'react';
import { TIME_ZONE_COOKIE } from '@/lib/audit/time-zone';

/**
 * Tells the server the browser's time zone (the `tz` cookie, a year, this site only), so every
 * page shows dates and times in it (lib/i18n/request.ts). The server cannot know it before the
 * first page: when it rendered another zone, the page is fetched again once.
 */
export const TimeZoneCookie = () => {
  const router = useRouter();
  const rendered = useTimeZone();

  useEffect(() => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone) return;
    document.cookie = `${TIME_ZONE_COOKIE}=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax`;
    if (zone !== rendered) router.refresh();
  }, [rendered, router]);

  return null;
};
