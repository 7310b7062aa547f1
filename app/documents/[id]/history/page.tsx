import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getFormatter, getTranslations } from 'next-intl/server';
import { PortalHeader } from '@/components/portal-header';
import { TimeZoneField } from '@/components/time-zone-field';
import { VersionHistory } from '@/components/version-history';
import styles from '@/components/version-history.module.css';
import { DEFAULT_TIME_ZONE, isTimeZone, TIME_ZONE_COOKIE } from '@/lib/audit/time-zone';
import { requireUser } from '@/lib/auth/session';
import { openActionsFor } from '@/lib/discovery/open-action';
import { browseHref } from '@/lib/documents/browse-params';
import { groupVersions } from '@/lib/documents/version-groups';
import { getVersionHistory } from '@/lib/documents/versions';
import { publicUrl } from '@/lib/env';
import { DomainError } from '@/lib/errors';
import { visibleName } from '@/lib/names';
import { ROLE_PERMISSIONS } from '@/lib/users/permissions';

export const generateMetadata = async (): Promise<Metadata> => ({ title: (await getTranslations('history'))('title') });
export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ id: string }> };

/** Every version of one document (any signed-in user); editors and admins restore. */
const HistoryPage = async ({ params }: Props) => {
  const { id } = await params;
  const user = await requireUser(`/documents/${id}/history`);
  const t = await getTranslations('history');
  const format = await getFormatter();
  const history = await getVersionHistory(id).catch((error: unknown) => {
    if (error instanceof DomainError && error.kind === 'not_found') notFound();
    throw error;
  });
  const { document: doc } = history;
  const cookieZone = (await cookies()).get(TIME_ZONE_COOKIE)?.value;
  const timeZone = cookieZone && isTimeZone(cookieZone) ? cookieZone : DEFAULT_TIME_ZONE;
  const current = history.versions.find((version) => version.version === doc.version);
  const open = (
    await openActionsFor({
      documents: [{ id: doc.id, extension: doc.extension, size: current?.size ?? 0 }],
      role: user.role,
      publicUrl: publicUrl(),
    })
  )[doc.id]!;
  const name = visibleName(doc.name);

  return (
    <>
      <PortalHeader user={user} />
      <main className="page">
        <TimeZoneField timeZone={timeZone} isFromAddress={false} />
        <p>
          <Link href={browseHref({ folder: doc.folder })} data-testid="back-to-folder">
            ← {doc.folder ? visibleName(doc.folder) : t('topFolder')}
          </Link>
        </p>
        <div className={styles.intro}>
          <h1 className={styles.title}>{t('heading', { name })}</h1>
          <a href={open.href} data-testid="open-current">
            {t('open', { kind: open.kind })}
          </a>
        </div>
        <p className="muted">
          {t('summary', { count: history.versions.length, timeZone })}{' '}
          {ROLE_PERMISSIONS[user.role].includes('write') ? t('restoreHint') : t('downloadHint')}
        </p>
        <VersionHistory
          documentId={doc.id}
          documentName={name}
          entries={groupVersions(history.versions, doc.version)}
          formatTime={(instant) => format.dateTime(instant, { dateStyle: 'medium', timeStyle: 'medium', timeZone })}
          canRestore={ROLE_PERMISSIONS[user.role].includes('write')}
        />
      </main>
    </>
  );
};

export default HistoryPage;
