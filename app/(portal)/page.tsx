import type { Metadata } from 'next';
import { DocumentTable } from '@/components/document-table';
import { FolderBreadcrumbs } from '@/components/folder-breadcrumbs';
import { FolderSyncNotice } from '@/components/folder-sync-notice';
import { ListToolbar } from '@/components/list-toolbar';
import { NewDocumentMenu } from '@/components/new-document-menu';
import { Pagination } from '@/components/pagination';
import { UploadPanel } from '@/components/upload-panel';
import { requireUser } from '@/lib/auth/session';
import { parseBrowseParams } from '@/lib/documents/browse-params';
import { breadcrumbs } from '@/lib/documents/folders';
import { listFolder } from '@/lib/documents/queries';
import { syncFolderForListing } from '@/lib/documents/listing-sync';
import { listingOpenOptions } from '@/lib/discovery/open-action';
import { env, publicUrl } from '@/lib/env';
import { parseFolder } from '@/lib/storage/keys';

export const metadata: Metadata = { title: 'Documents' };
export const dynamic = 'force-dynamic';

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const BrowsePage = async ({ searchParams }: Props) => {
  const params = parseBrowseParams(await searchParams);
  const parsed = parseFolder(params.folder);
  const folder = 'folder' in parsed ? parsed.folder : '';
  const user = await requireUser();
  // A folder seen for the first time is read from the bucket: the page waits for it at most 0.8 s.
  const sync = await syncFolderForListing(folder);
  const listing = await listFolder({ folder, sort: params.sort, dir: params.dir, query: params.q, page: params.page });
  const isAdmin = user.role === 'admin';
  // How each name opens, and which New document kinds an editor can open (lib/discovery/open-action.ts).
  const { openActions, newKinds } = await listingOpenOptions({
    documents: listing.documents,
    role: user.role,
    publicUrl: publicUrl(),
  });

  return (
    <>
      {'problem' in parsed ? (
        <p className="error" role="alert">
          {parsed.problem} Showing the top folder instead.
        </p>
      ) : null}
      <FolderBreadcrumbs crumbs={breadcrumbs(folder)} />
      {sync !== 'synced' ? <FolderSyncNotice state={sync} /> : null}
      <ListToolbar params={{ ...params, folder }} />
      {newKinds.length > 0 ? <NewDocumentMenu folder={folder} kinds={newKinds} /> : null}
      {isAdmin ? <UploadPanel folder={folder} maxBytes={env.MAX_UPLOAD_BYTES} /> : null}
      <DocumentTable
        listing={listing}
        params={{ ...params, folder }}
        canEdit={user.role !== 'viewer'}
        openActions={openActions}
        isReading={sync === 'reading'}
      />
      <Pagination params={{ ...params, folder }} total={listing.total} pageSize={listing.pageSize} />
    </>
  );
};

export default BrowsePage;
