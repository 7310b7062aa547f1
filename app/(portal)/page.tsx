import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import Link from 'next/link';
import { DocumentTable } from '@/components/document-table';
import { FolderBreadcrumbs } from '@/components/folder-breadcrumbs';
import { FolderSyncNotice } from '@/components/folder-sync-notice';
import { ListToolbar } from '@/components/list-toolbar';
import styles from '@/components/files.module.css';
import { NewDocumentMenu } from '@/components/new-document-menu';
import { NewFolderButton } from '@/components/new-folder-button';
import { Pagination } from '@/components/pagination';
import { UploadPanel } from '@/components/upload-panel';
import { requireUser } from '@/lib/auth/session';
import { parseBrowseParams } from '@/lib/documents/browse-params';
import { isFolderTaken } from '@/lib/documents/folder-tree';
import { breadcrumbs } from '@/lib/documents/folders';
import { listFolder } from '@/lib/documents/queries';
import { syncFolderForListing } from '@/lib/documents/listing-sync';
import { listingOpenOptions } from '@/lib/discovery/open-action';
import { env, publicUrl } from '@/lib/env';
import { visibleName } from '@/lib/names';
import { parseFolder } from '@/lib/storage/keys';

export const generateMetadata = async (): Promise<Metadata> => ({ title: (await getTranslations('app'))('title') });
export const dynamic = 'force-dynamic';

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const BrowsePage = async ({ searchParams }: Props) => {
  const params = parseBrowseParams(await searchParams);
  const parsed = parseFolder(params.folder);
  const folder = 'folder' in parsed ? parsed.folder : '';
  const user = await requireUser();
  const t = await getTranslations('files');
  const heading = <h1 className="visually-hidden">{(await getTranslations('app'))('title')}</h1>;
  // A folder seen for the first time is read from the bucket: the page waits for it at most 0.8 s.
  const sync = await syncFolderForListing(folder);
  const listing = await listFolder({ folder, sort: params.sort, dir: params.dir, query: params.q, page: params.page });
  // Nothing listed in a folder that has no row, no document and no object in the bucket (read just
  // now, so a folder not yet synced is not taken for missing): it does not exist. Reading never
  // creates it. When storage cannot say, the (empty) listing stands.
  const isMissing =
    folder !== '' &&
    sync !== 'reading' &&
    listing.total === 0 &&
    listing.folders.length === 0 &&
    !params.q &&
    !(await isFolderTaken(folder).catch(() => true));
  if (isMissing)
    return (
      <>
        {heading}
        <FolderBreadcrumbs crumbs={breadcrumbs(folder)} canDrop={false} />
        <p role="alert" className="error" data-testid="folder-missing">
          {t('folderMissing', { path: visibleName(folder) })}
        </p>
        <p>
          <Link href="/">{t('folderMissingLink')}</Link> · <Link href="/trash">{t('trash')}</Link>
        </p>
      </>
    );
  const isAdmin = user.role === 'admin';
  // How each name opens, and which New document kinds an editor can open (lib/discovery/open-action.ts).
  const { openActions, newKinds } = await listingOpenOptions({
    documents: listing.documents,
    role: user.role,
    publicUrl: publicUrl(),
  });
  // Rename, move, copy, delete, new folder, drag and drop: admins and editors (the API enforces it too).
  const canManage = user.role !== 'viewer';

  return (
    <>
      {heading}
      {'problem' in parsed ? (
        <p className="error" role="alert">
          {t('folderProblem', { problem: parsed.problem })}
        </p>
      ) : null}
      <FolderBreadcrumbs crumbs={breadcrumbs(folder)} canDrop={canManage} />
      {sync !== 'synced' ? <FolderSyncNotice state={sync} /> : null}
      <ListToolbar params={{ ...params, folder }} />
      <div className={styles.listActions}>
        {canManage ? <NewFolderButton folder={folder} /> : null}
        <Link href="/trash">{t('trash')}</Link>
      </div>
      {newKinds.length > 0 ? <NewDocumentMenu folder={folder} kinds={newKinds} /> : null}
      {isAdmin ? <UploadPanel folder={folder} maxBytes={env.MAX_UPLOAD_BYTES} /> : null}
      <DocumentTable
        listing={{
          ...listing,
          documents: listing.documents.map((doc) => ({ ...doc, lastModifiedAt: doc.lastModifiedAt.toISOString() })),
        }}
        params={{ ...params, folder }}
        canEdit={user.role !== 'viewer'}
        openActions={openActions}
        canManage={canManage}
        isReading={sync === 'reading'}
      />
      <Pagination params={{ ...params, folder }} total={listing.total} pageSize={listing.pageSize} />
    </>
  );
};

export default BrowsePage;
