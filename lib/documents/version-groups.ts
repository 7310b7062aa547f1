/**
 * How a document's history is shown: what made each version (from DocumentVersion.details) and
 * runs of autosaves by one person folded into one entry. Pure: no database, no clock.
 */

/** One kept version as the history shows it; `size` in bytes. */
export type HistoryVersion = {
  version: number;
  size: number;
  createdAt: Date;
  /** Who made it (null: another tool, the CLI, or a deleted user). */
  author: { id: string; email: string; name: string } | null;
  /** DocumentVersion.details as stored: editor save flags, `{via:"storage"}`, `{restoredFrom}`… */
  details: unknown;
};

/** What made a version. */
export type VersionKind = 'storage' | 'restore' | 'autosave' | 'exit-save' | 'save' | 'upload' | 'found';

export type DescribedVersion = HistoryVersion & {
  kind: VersionKind;
  /** The editor's flags when it sent them (PutFile's X-COOL-WOPI-Is* headers). */
  flags: { isAutosave?: boolean; isExitSave?: boolean; isModifiedByUser?: boolean };
  /** For a restore: the version whose bytes it brought back. */
  restoredFrom?: number;
  isCurrent: boolean;
};

/** One line of the history: a single version, or a run of autosaves by one person (newest first). */
export type HistoryEntry =
  { kind: 'single'; version: DescribedVersion } | { kind: 'autosaves'; versions: DescribedVersion[] };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const booleanOf = (value: unknown) => (typeof value === 'boolean' ? value : undefined);

/** The kind, flags and restore source of one version, read from its details. */
export const describeVersion = (version: HistoryVersion, currentVersion: number): DescribedVersion => {
  const details = isRecord(version.details) ? version.details : {};
  const flags = {
    isAutosave: booleanOf(details.isAutosave),
    isExitSave: booleanOf(details.isExitSave),
    isModifiedByUser: booleanOf(details.isModifiedByUser),
  };
  const restoredFrom = typeof details.restoredFrom === 'number' ? details.restoredFrom : undefined;
  const kind: VersionKind =
    details.via === 'storage'
      ? 'storage'
      : restoredFrom !== undefined
        ? 'restore'
        : details.via === 'wopi'
          ? flags.isAutosave
            ? 'autosave'
            : flags.isExitSave
              ? 'exit-save'
              : 'save'
          : version.author
            ? 'upload'
            : 'found';

  return {
    ...version,
    kind,
    flags,
    ...(restoredFrom === undefined ? {} : { restoredFrom }),
    isCurrent: version.version === currentVersion,
  };
};

const canJoin = (run: DescribedVersion[], next: DescribedVersion) => {
  const last = run[run.length - 1];

  return (
    !!last &&
    last.kind === 'autosave' &&
    next.kind === 'autosave' &&
    !last.isCurrent &&
    !next.isCurrent &&
    !!last.author &&
    last.author.id === next.author?.id
  );
};

/**
 * The history's lines, newest first: consecutive autosaves (neighbours in the kept history) by the same
 * person fold into one `autosaves` entry when there are two or more; everything else — and the
 * current version, which is always shown on its own — is a `single` entry. `versions` may come in
 * any order; the result is newest first.
 */
export const groupVersions = (versions: HistoryVersion[], currentVersion: number): HistoryEntry[] => {
  const described = [...versions]
    .sort((a, b) => b.version - a.version)
    .map((version) => describeVersion(version, currentVersion));
  const runs: DescribedVersion[][] = [];
  for (const version of described) {
    const run = runs[runs.length - 1];
    if (run && canJoin(run, version)) run.push(version);
    else runs.push([version]);
  }

  return runs.map((run) =>
    run.length > 1 ? { kind: 'autosaves', versions: run } : { kind: 'single', version: run[0]! },
  );
};
