'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { TIME_ZONE_COOKIE } from '@/lib/audit/time-zone';

type Props = {
  /** The zone the server rendered with (the query's, the cookie's, else UTC). */
  timeZone: string;
  /** Whether the address names the zone (`?tz=`): then it stays, and no reload follows. */
  isFromAddress: boolean;
};

const subscribe = () => () => {};
const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * The browser's time zone as a hidden `tz` field of the filter form and as a cookie (a year, this
 * site only), so dates and times mean the user's days. The server cannot know the zone before
 * the first page: when it rendered another one, the page is fetched again once.
 */
export const TimeZoneField = ({ timeZone, isFromAddress }: Props) => {
  const router = useRouter();
  const zone = useSyncExternalStore(subscribe, browserTimeZone, () => timeZone);
  const hasRefreshed = useRef(false);

  useEffect(() => {
    if (!zone) return;
    document.cookie = `${TIME_ZONE_COOKIE}=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax`;
    if (zone !== timeZone && !isFromAddress && !hasRefreshed.current) {
      hasRefreshed.current = true;
      router.refresh();
    }
  }, [zone, timeZone, isFromAddress, router]);

  return <input type="hidden" name="tz" value={isFromAddress ? timeZone : zone || timeZone} />;
};
