import Link from 'next/link';
import { FileIcon } from '@/components/file-icon';
import { formatDateTimeIn } from '@/lib/audit/time-zone';
import { browseHref } from '@/lib/documents/browse-params';
import type { DocumentSummary } from '@/lib/documents/types';
import { formatBytes } from '@/lib/format';
import { visibleName } from '@/lib/names';
import styles from './search.module.css';

type Props = {
  documents: (DocumentSummary & { lastUsedAt?: Date; lastAction?: string })[];
  timeZone: string;
  /** Names open the editor in edit mode (else view), as in the folder list. */
  canEdit: boolean;
  /** Recent: a column with when the user last opened or saved each document. */
  showLastUsed?: boolean;
  testId: string;
};

const ACTION_LABELS: Record<string, string> = {
  'wopi.open': 'Opened',
  'wopi.save': 'Saved',
  'wopi.put_relative': 'Saved as',
  'document.create': 'Created',
  'document.upload': 'Uploaded',
};

/** "Documents / Team / 2026": the folder path with its parts' names shown as they really are. */
const folderLabel = (folder: string) =>
  ['Documents', ...(folder ? folder.split('/').map(visibleName) : [])].join(' / ');

/**
 * Documents from any folder: the name opens it like the folder list does, the folder path links
 * to the folder, times in the user's time zone. A table on wide screens, cards below 760 px.
 */
export const SearchResults = ({ documents, timeZone, canEdit, showLastUsed = false, testId }: Props) => (
  <table className={styles.results} data-testid={testId}>
    <thead>
      <tr>
        <th scope="col">Name</th>
        <th scope="col">Folder</th>
        {showLastUsed ? <th scope="col">Last used</th> : null}
        <th scope="col">Modified</th>
        <th scope="col">Modified by</th>
        <th scope="col">Size</th>
      </tr>
    </thead>
    <tbody>
      {documents.map((doc) => (
        <tr key={doc.id} data-testid="result-row">
          <td data-label="Name" className={styles.name}>
            <a
              href={`/documents/${doc.id}/${canEdit ? 'edit' : 'view'}`}
              className="name-cell"
              title={`${canEdit ? 'Edit' : 'View'} ${visibleName(doc.name)}`}
              data-testid="result-name"
            >
              <FileIcon extension={doc.extension} />
              {visibleName(doc.name)}
            </a>
          </td>
          <td data-label="Folder" className={styles.folder}>
            <Link href={browseHref({ folder: doc.folder })} data-testid="result-folder">
              {folderLabel(doc.folder)}
            </Link>
          </td>
          {showLastUsed && doc.lastUsedAt ? (
            <td data-label="Last used" className={styles.time}>
              {ACTION_LABELS[doc.lastAction ?? ''] ?? doc.lastAction}{' '}
              <time dateTime={doc.lastUsedAt.toISOString()}>{formatDateTimeIn(doc.lastUsedAt, timeZone)}</time>
            </td>
          ) : null}
          <td data-label="Modified" className={styles.time}>
            <time dateTime={doc.lastModifiedAt.toISOString()}>{formatDateTimeIn(doc.lastModifiedAt, timeZone)}</time>
          </td>
          <td data-label="Modified by">{doc.lastModifiedBy ?? <span className="muted">outside the portal</span>}</td>
          <td data-label="Size">{formatBytes(doc.size)}</td>
        </tr>
      ))}
    </tbody>
  </table>
);
