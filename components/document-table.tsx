import Link from 'next/link';
import { FileIcon, FolderIcon } from '@/components/file-icon';
import { visibleName } from '@/lib/names';
import { browseHref, type BrowseParams } from '@/lib/documents/browse-params';
import type { DocumentSummary, SortField } from '@/lib/documents/types';
import type { OpenAction } from '@/lib/discovery/open-action';
import { formatBytes } from '@/lib/format';

type Props = {
  listing: { folders: { path: string; name: string }[]; documents: DocumentSummary[]; total: number };
  params: BrowseParams;
  /** Names open the editor in edit mode (else view), unless `openActions` says how. */
  canEdit: boolean;
  /** How each document's name opens it (lib/discovery/open-action.ts), by id. */
  openActions?: Record<string, OpenAction>;
  /** The folder's first sync is still under way: empty is not empty yet. */
  isReading?: boolean;
};

const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

const SortHeader = ({ field, label, params }: { field: SortField; label: string; params: BrowseParams }) => {
  const isActive = params.sort === field;
  const nextDir = isActive && params.dir === 'asc' ? 'desc' : 'asc';

  return (
    <th scope="col" aria-sort={isActive ? (params.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <Link href={browseHref({ ...params, sort: field, dir: nextDir, page: 1 })}>
        {label}
        {isActive ? (params.dir === 'asc' ? ' ▲' : ' ▼') : ''}
      </Link>
    </th>
  );
};

const OPEN_VERBS = { edit: 'Edit', view: 'View', inline: 'Open', download: 'Download' } as const;

export const DocumentTable = ({ listing, params, canEdit, openActions, isReading = false }: Props) => {
  const openOf = (id: string): OpenAction =>
    openActions?.[id] ?? { kind: canEdit ? 'edit' : 'view', href: `/documents/${id}/${canEdit ? 'edit' : 'view'}` };
  const showFolders = params.page === 1;
  if (listing.documents.length === 0 && (!showFolders || listing.folders.length === 0)) {
    return (
      <div className="empty" data-testid="empty-state">
        <p>
          {params.q
            ? `No documents match “${params.q}”.`
            : isReading
              ? 'Reading this folder from storage…'
              : 'This folder is empty.'}
        </p>
      </div>
    );
  }

  return (
    <table className="documents" data-testid="document-table">
      <thead>
        <tr>
          <SortHeader field="name" label="Name" params={params} />
          <SortHeader field="size" label="Size" params={params} />
          <SortHeader field="modified" label="Modified" params={params} />
          <th scope="col">Modified by</th>
          <th scope="col">Version</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {showFolders
          ? listing.folders.map((folder) => (
              <tr key={folder.path} data-testid="folder-row">
                <td>
                  <Link href={browseHref({ folder: folder.path })} className="name-cell">
                    <FolderIcon />
                    {visibleName(folder.name)}
                  </Link>
                </td>
                <td colSpan={5} className="muted">
                  Folder
                </td>
              </tr>
            ))
          : null}
        {listing.documents.map((doc) => (
          <tr key={doc.id} data-testid="document-row">
            <td>
              <a
                href={openOf(doc.id).href}
                className="name-cell"
                title={`${OPEN_VERBS[openOf(doc.id).kind]} ${visibleName(doc.name)}`}
                data-open={openOf(doc.id).kind}
              >
                <FileIcon extension={doc.extension} />
                {visibleName(doc.name)}
              </a>
            </td>
            <td>{formatBytes(doc.size)}</td>
            <td>
              <time dateTime={doc.lastModifiedAt.toISOString()}>{dateFormat.format(doc.lastModifiedAt)} UTC</time>
            </td>
            <td>{doc.lastModifiedBy ?? <span className="muted">outside the portal</span>}</td>
            <td data-testid="document-version">v{doc.version}</td>
            <td>
              <a
                href={`/api/documents/${doc.id}/content`}
                title={`Download ${visibleName(doc.name)}`}
                data-testid="download-link"
              >
                Download
              </a>{' '}
              <a
                href={`/documents/${doc.id}/history`}
                title={`Versions of ${visibleName(doc.name)}`}
                data-testid="history-link"
              >
                History
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
};
