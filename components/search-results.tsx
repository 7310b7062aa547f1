import Link from 'next/link';
import { useFormatter, useLocale, useTranslations } from 'next-intl';
import { FileIcon } from '@/components/file-icon';
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

const ACTION_KEYS = {
  'wopi.open': 'wopi_open',
  'wopi.save': 'wopi_save',
  'wopi.put_relative': 'wopi_put_relative',
  'document.create': 'document_create',
  'document.upload': 'document_upload',
} as const;
const isKnownAction = (action: string): action is keyof typeof ACTION_KEYS => Object.hasOwn(ACTION_KEYS, action);

/** "Documents / Team / 2026": the folder path with its parts' names shown as they really are. */
const folderLabel = (top: string, folder: string) =>
  [top, ...(folder ? folder.split('/').map(visibleName) : [])].join(' / ');

/**
 * Documents from any folder: the name opens it like the folder list does, the folder path links
 * to the folder, times in the user's time zone. A table on wide screens, cards below 760 px.
 */
export const SearchResults = ({ documents, timeZone, canEdit, showLastUsed = false, testId }: Props) => {
  const t = useTranslations('search');
  const format = useFormatter();
  const locale = useLocale();
  const time = (instant: Date) => format.dateTime(instant, { dateStyle: 'medium', timeStyle: 'medium', timeZone });
  const actionLabel = (action = '') => (isKnownAction(action) ? t(`actions.${ACTION_KEYS[action]}`) : action);

  return (
    <table className={styles.results} data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">{t('name')}</th>
          <th scope="col">{t('folder')}</th>
          {showLastUsed ? <th scope="col">{t('lastUsed')}</th> : null}
          <th scope="col">{t('modified')}</th>
          <th scope="col">{t('modifiedBy')}</th>
          <th scope="col">{t('size')}</th>
        </tr>
      </thead>
      <tbody>
        {documents.map((doc) => (
          <tr key={doc.id} data-testid="result-row">
            <td data-label={t('name')} className={styles.name}>
              <a
                href={`/documents/${doc.id}/${canEdit ? 'edit' : 'view'}`}
                className="name-cell"
                title={t('open', { canEdit: String(canEdit), name: visibleName(doc.name) })}
                data-testid="result-name"
              >
                <FileIcon extension={doc.extension} />
                {visibleName(doc.name)}
              </a>
            </td>
            <td data-label={t('folder')} className={styles.folder}>
              <Link href={browseHref({ folder: doc.folder })} data-testid="result-folder">
                {folderLabel(t('topFolder'), doc.folder)}
              </Link>
            </td>
            {showLastUsed && doc.lastUsedAt ? (
              <td data-label={t('lastUsed')} className={styles.time}>
                {actionLabel(doc.lastAction)}{' '}
                <time dateTime={doc.lastUsedAt.toISOString()}>{time(doc.lastUsedAt)}</time>
              </td>
            ) : null}
            <td data-label={t('modified')} className={styles.time}>
              <time dateTime={doc.lastModifiedAt.toISOString()}>{time(doc.lastModifiedAt)}</time>
            </td>
            <td data-label={t('modifiedBy')}>
              {doc.lastModifiedBy ?? <span className="muted">{t('outsidePortal')}</span>}
            </td>
            <td data-label={t('size')}>{formatBytes(doc.size, locale)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
};
