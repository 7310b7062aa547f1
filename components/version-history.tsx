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

const KIND_LABEL: Record<DescribedVersion['kind'], string> = {
  storage: 'Changed in storage',
  restore: 'Restored',
  autosave: 'Autosave',
  'exit-save': 'Saved when the editor closed',
  save: 'Saved in the editor',
  upload: 'Uploaded',
  found: 'Found in storage',
};

const labelOf = (version: DescribedVersion) =>
  version.kind === 'restore' ? `Restored from version ${version.restoredFrom}` : KIND_LABEL[version.kind];

const authorOf = (version: DescribedVersion) =>
  version.author
    ? version.author.name || version.author.email
    : version.kind === 'storage' || version.kind === 'found'
      ? 'outside the portal'
      : 'unknown';

/** The editor's flags, in words, when it sent them. */
const flagTags = ({ flags, kind }: DescribedVersion) =>
  [
    flags.isAutosave && kind !== 'autosave' ? 'autosave' : null,
    flags.isExitSave && kind !== 'exit-save' ? 'on close' : null,
    flags.isModifiedByUser === false ? 'not modified by the user' : null,
  ].filter((tag): tag is string => tag !== null);

const VersionItem = ({
  version,
  documentId,
  documentName,
  formatTime,
  canRestore,
}: Omit<Props, 'entries'> & {
  version: DescribedVersion;
}) => (
  <li
    className={`${styles.version} ${version.isCurrent ? styles.current : ''}`}
    data-testid="version-item"
    data-version={version.version}
    aria-current={version.isCurrent ? 'true' : undefined}
  >
    <div className={styles.what}>
      <div className={styles.headline}>
        <span className={styles.number}>Version {version.version}</span>
        <span data-testid="version-kind">{labelOf(version)}</span>
        {version.isCurrent ? <span className={`${styles.tag} ${styles.currentTag}`}>Current</span> : null}
        {flagTags(version).map((tag) => (
          <span key={tag} className={styles.tag}>
            {tag}
          </span>
        ))}
      </div>
      <div className={styles.meta}>
        <span data-testid="version-author">{authorOf(version)}</span> ·{' '}
        <time dateTime={version.createdAt.toISOString()}>{formatTime(version.createdAt)}</time> ·{' '}
        {formatBytes(version.size)}
      </div>
    </div>
    <div className={styles.actions}>
      <a
        href={`/api/documents/${documentId}/versions/${version.version}/content`}
        aria-label={`Download version ${version.version}`}
        data-testid="download-version"
      >
        Download
      </a>
      {canRestore && !version.isCurrent ? (
        <RestoreVersionButton documentId={documentId} version={version.version} documentName={documentName} />
      ) : null}
    </div>
  </li>
);

/**
 * A document's versions, newest first: each with what made it, who, when (user's time zone) and
 * size; runs of autosaves by one person folded into an expandable entry; the current one marked.
 */
export const VersionHistory = ({ entries, ...rest }: Props) => (
  <ol className={styles.list} data-testid="version-history">
    {entries.map((entry) => {
      if (entry.kind === 'single') return <VersionItem key={entry.version.version} version={entry.version} {...rest} />;
      const newest = entry.versions[0]!;
      const oldest = entry.versions[entry.versions.length - 1]!;

      return (
        <li key={`run-${newest.version}`}>
          <details className={styles.run} data-testid="autosave-run">
            <summary>
              {entry.versions.length} autosaves by {authorOf(newest)} · versions {oldest.version}–{newest.version} ·{' '}
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
