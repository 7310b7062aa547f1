import { useLocale, useTranslations } from 'next-intl';
import type { DescribedVersion, HistoryEntry } from '@/lib/documents/version-groups';
import { formatBytes } from '@/lib/format';
import { RestoreVersionButton } from '@/components/restore-version-button';
import styles from './version-history.module.css';

type Props = {
  documentId: string;
  documentName: string;
  entries: HistoryEntry[];
  /** Formats an instant in the user's time zone ("30 Nov 2026, 13:10:05"). */
  formatTime: (instant: Date) => string;
  /** Editors and admins restore; viewers only look and download. */
  canRestore: boolean;
};

type HistoryT = ReturnType<typeof useTranslations<'history'>>;

const labelOf = (t: HistoryT, version: DescribedVersion) =>
  version.kind === 'restore' ? t('restoredFrom', { version: version.restoredFrom ?? '' }) : t(`kinds.${version.kind}`);

const authorOf = (t: HistoryT, version: DescribedVersion) =>
  version.author
    ? version.author.name || version.author.email
    : version.kind === 'storage' || version.kind === 'found'
      ? t('outsidePortal')
      : t('unknown');

/** The editor's flags, in words, when it sent them. */
const flagTags = (t: HistoryT, { flags, kind }: DescribedVersion) =>
  [
    flags.isAutosave && kind !== 'autosave' ? t('tagAutosave') : null,
    flags.isExitSave && kind !== 'exit-save' ? t('tagOnClose') : null,
    flags.isModifiedByUser === false ? t('tagNotModified') : null,
  ].filter((tag): tag is string => tag !== null);

const VersionItem = ({
  version,
  documentId,
  documentName,
  formatTime,
  canRestore,
}: Omit<Props, 'entries'> & {
  version: DescribedVersion;
}) => {
  const t = useTranslations('history');
  const locale = useLocale();

  return (
    <li
      className={`${styles.version} ${version.isCurrent ? styles.current : ''}`}
      data-testid="version-item"
      data-version={version.version}
      aria-current={version.isCurrent ? 'true' : undefined}
    >
      <div className={styles.what}>
        <div className={styles.headline}>
          <span className={styles.number}>{t('version', { version: version.version })}</span>
          <span data-testid="version-kind">{labelOf(t, version)}</span>
          {version.isCurrent ? <span className={`${styles.tag} ${styles.currentTag}`}>{t('current')}</span> : null}
          {flagTags(t, version).map((tag) => (
            <span key={tag} className={styles.tag}>
              {tag}
            </span>
          ))}
        </div>
        <div className={styles.meta}>
          <span data-testid="version-author">{authorOf(t, version)}</span> ·{' '}
          <time dateTime={version.createdAt.toISOString()}>{formatTime(version.createdAt)}</time> ·{' '}
          {formatBytes(version.size, locale)}
        </div>
      </div>
      <div className={styles.actions}>
        <a
          href={`/api/documents/${documentId}/versions/${version.version}/content`}
          aria-label={t('downloadVersion', { version: version.version })}
          data-testid="download-version"
        >
          {t('download')}
        </a>
        {canRestore && !version.isCurrent ? (
          <RestoreVersionButton documentId={documentId} version={version.version} documentName={documentName} />
        ) : null}
      </div>
    </li>
  );
};

/**
 * A document's versions, newest first: each with what made it, who, when (user's time zone) and
 * size; runs of autosaves by one person folded into an expandable entry; the current one marked.
 */
export const VersionHistory = ({ entries, ...rest }: Props) => {
  const t = useTranslations('history');

  return (
    <ol className={styles.list} data-testid="version-history">
      {entries.map((entry) => {
        if (entry.kind === 'single')
          return <VersionItem key={entry.version.version} version={entry.version} {...rest} />;
        const newest = entry.versions[0]!;
        const oldest = entry.versions[entry.versions.length - 1]!;

        return (
          <li key={`run-${newest.version}`}>
            <details className={styles.run} data-testid="autosave-run">
              <summary>
                {t('autosaveRun', {
                  count: entry.versions.length,
                  author: authorOf(t, newest),
                  oldest: oldest.version,
                  newest: newest.version,
                })}{' '}
                {rest.formatTime(oldest.createdAt)} – {rest.formatTime(newest.createdAt)}
              </summary>
              <ol className={styles.runList}>
                {entry.versions.map((version) => (
                  <VersionItem key={version.version} version={version} {...rest} />
                ))}
              </ol>
            </details>
          </li>
        );
      })}
    </ol>
  );
};
