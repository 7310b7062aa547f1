import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import { getTranslations } from 'next-intl/server';
import Link from 'next/link';
import { SearchResults } from '@/components/search-results';
import { TimeZoneField } from '@/components/time-zone-field';
import { DEFAULT_TIME_ZONE, isTimeZone, TIME_ZONE_COOKIE } from '@/lib/audit/time-zone';
import { requireUser } from '@/lib/auth/session';
import { listRecentDocuments, RECENT_LIMIT } from '@/lib/search/recent';

export const generateMetadata = async (): Promise<Metadata> => ({ title: (await getTranslations('recent'))('title') });
export const dynamic = 'force-dynamic';

/** The signed-in user's last opened or saved documents (20, newest first, one entry each). */
const RecentPage = async () => {
  const user = await requireUser('/recent');
  const t = await getTranslations('recent');
  const cookieZone = (await cookies()).get(TIME_ZONE_COOKIE)?.value;
  const timeZone = cookieZone && isTimeZone(cookieZone) ? cookieZone : DEFAULT_TIME_ZONE;
  const documents = await listRecentDocuments(user.id);

  return (
    <>
      <h1>{t('title')}</h1>
      <p className="muted">
        {t('intro', { limit: RECENT_LIMIT, timeZone })} <Link href="/search">{t('searchAll')}</Link>
      </p>
      <TimeZoneField timeZone={timeZone} isFromAddress={false} />
      {documents.length === 0 ? (
        <div className="empty" data-testid="recent-empty">
          <p>
            {t('empty')} <Link href="/">{t('browse')}</Link>
          </p>
        </div>
      ) : (
        <SearchResults
          documents={documents}
          timeZone={timeZone}
          canEdit={user.role !== 'viewer'}
          showLastUsed
          testId="recent-list"
        />
      )}
    </>
  );
};

export default RecentPage;
