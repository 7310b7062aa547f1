import type { Metadata } from 'next';
import Link from 'next/link';
import { TrashTable } from '@/components/trash-table';
import { requireUser } from '@/lib/auth/session';
import { listTrash } from '@/lib/documents/trash';

export const metadata: Metadata = { title: 'Trash' };
export const dynamic = 'force-dynamic';

/** Deleted documents and folders (signed-in users); restore (editors, admins), delete forever (admins). */
const TrashPage = async () => {
  const user = await requireUser('/trash');
  const entries = await listTrash();

  return (
    <>
      <p>
        <Link href="/">← Documents</Link>
      </p>
      <h1>Trash</h1>
      <p className="muted">
        Deleted documents and folders stay here, with their versions, until they are restored or deleted forever
        {user.role === 'admin' ? '' : ' by an administrator'}. A deleted folder is one entry and comes back whole.
        {user.role === 'viewer' ? ' Viewers can look, not restore.' : ''}
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
