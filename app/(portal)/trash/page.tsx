import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { TrashTable } from '@/components/trash-table';
import { requireUser } from '@/lib/auth/session';
import { listTrash } from '@/lib/documents/trash';

export const generateMetadata = async (): Promise<Metadata> => ({ title: (await getTranslations('trash'))('title') });
export const dynamic = 'force-dynamic';

/** Deleted documents and folders (signed-in users); restore (editors, admins), delete forever (admins). */
const TrashPage = async () => {
  const user = await requireUser('/trash');
  const t = await getTranslations('trash');
  const entries = await listTrash();

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
        entries={entries.map((entry) => ({ ...entry, deletedAt: entry.deletedAt.toISOString() }))}
        canRestore={user.role !== 'viewer'}
        isAdmin={user.role === 'admin'}
      />
    </>
  );
};

export default TrashPage;
