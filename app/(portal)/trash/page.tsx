import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { TrashTable } from '@/components/trash-table';
import { requireUser } from '@/lib/auth/session';
import { listTrash, TRASH_PAGE_DEFAULT, TRASH_PAGE_MAX } from '@/lib/documents/trash';

export const generateMetadata = async (): Promise<Metadata> => ({ title: (await getTranslations('trash'))('title') });
export const dynamic = 'force-dynamic';

/** Deleted documents and folders, the newest page first, more on request (signed-in users); restore (editors, admins), delete forever (admins). */
const TrashPage = async ({ searchParams }: { searchParams: Promise<{ limit?: string | string[] }> }) => {
  const user = await requireUser('/trash');
  const t = await getTranslations('trash');
  // ?limit=n (1…200) pages by n instead of 100; anything else is ignored.
  const asked = Number((await searchParams).limit);
  const pageSize = Number.isInteger(asked) && asked >= 1 && asked <= TRASH_PAGE_MAX ? asked : TRASH_PAGE_DEFAULT;
  const page = await listTrash({ limit: pageSize });

  return (
    <>
      <p>
        <Link href="/">{t('back')}</Link>
      </p>
      <h1>{t('title')}</h1>
      <p className="muted">
        {t('intro', { byAdmin: String(user.role !== 'admin') })}
        {user.role === 'viewer' ? ` ${t('viewersLook')}` : ''}
      </p>
      <TrashTable
        entries={page.entries.map((entry) => ({ ...entry, deletedAt: entry.deletedAt.toISOString() }))}
        nextCursor={page.nextCursor}
        total={page.total}
        pageSize={pageSize}
        canRestore={user.role !== 'viewer'}
        isAdmin={user.role === 'admin'}
      />
    </>
  );
};

export default TrashPage;
