import { describe, expect, it } from 'vitest';
import { describeVersion, groupVersions, type HistoryVersion } from '@/lib/documents/version-groups';

const ann = { id: 'a', email: 'ann@example.com', name: 'Ann' };
const bob = { id: 'b', email: 'bob@example.com', name: 'Bob' };
const AUTOSAVE = { via: 'wopi', isAutosave: true, isExitSave: false, isModifiedByUser: true };
const SAVE = { via: 'wopi', isAutosave: false, isExitSave: false, isModifiedByUser: true };
const EXIT = { via: 'wopi', isAutosave: false, isExitSave: true, isModifiedByUser: true };

const v = (version: number, author: HistoryVersion['author'], details: unknown = null): HistoryVersion => ({
  version,
  size: version * 10,
  createdAt: new Date(Date.UTC(2026, 10, 30, 12, version)),
  author,
  details,
});

/** The history as version numbers: a run of autosaves is an inner array. */
const shape = (versions: HistoryVersion[], current: number) =>
  groupVersions(versions, current).map((entry) =>
    entry.kind === 'single' ? entry.version.version : entry.versions.map((version) => version.version),
  );

describe('describeVersion', () => {
  it.each([
    [{ via: 'storage' }, null, 'storage'],
    [{ restoredFrom: 2 }, ann, 'restore'],
    [AUTOSAVE, ann, 'autosave'],
    [EXIT, ann, 'exit-save'],
    [SAVE, ann, 'save'],
    [{ via: 'wopi' }, ann, 'save'],
    [null, ann, 'upload'],
    [null, null, 'found'],
    ['garbage', null, 'found'],
  ])('details %j by %j → %s', (details, author, kind) => {
    expect(describeVersion(v(3, author, details), 9).kind).toBe(kind);
  });

  it('keeps the editor flags, the restore source and marks the current version', () => {
    expect(describeVersion(v(4, ann, EXIT), 4)).toMatchObject({
      flags: { isAutosave: false, isExitSave: true, isModifiedByUser: true },
      isCurrent: true,
    });
    expect(describeVersion(v(5, ann, { restoredFrom: 2 }), 6)).toMatchObject({ restoredFrom: 2, isCurrent: false });
  });
});

describe('groupVersions', () => {
  it('three autosaves by one person in a row → one entry, newest first, whatever the input order', () => {
    const versions = [v(1, ann), v(2, ann, AUTOSAVE), v(4, ann, AUTOSAVE), v(3, ann, AUTOSAVE), v(5, ann, SAVE)];
    expect(shape(versions, 5)).toEqual([5, [4, 3, 2], 1]);
  });

  it('autosaves by two people alternating → not grouped across people', () => {
    const versions = [v(1, ann, AUTOSAVE), v(2, ann, AUTOSAVE), v(3, bob, AUTOSAVE), v(4, bob, AUTOSAVE), v(5, ann)];
    expect(shape(versions, 5)).toEqual([5, [4, 3], [2, 1]]);
  });

  it('a save or a storage change between autosaves splits the run', () => {
    const versions = [
      v(1, ann, AUTOSAVE),
      v(2, ann, SAVE),
      v(3, ann, AUTOSAVE),
      v(4, null, { via: 'storage' }),
      v(5, ann, AUTOSAVE),
      v(6, ann, AUTOSAVE),
      v(7, ann, EXIT),
    ];
    expect(shape(versions, 7)).toEqual([7, [6, 5], 4, 3, 2, 1]);
  });

  it('a single autosave stays a single entry; the current version is never folded into a run', () => {
    expect(shape([v(1, ann, AUTOSAVE), v(2, bob, SAVE)], 2)).toEqual([2, 1]);
    expect(shape([v(1, ann, AUTOSAVE), v(2, ann, AUTOSAVE), v(3, ann, AUTOSAVE)], 3)).toEqual([3, [2, 1]]);
  });

  it('autosaves without an author (a deleted user) are not grouped', () => {
    expect(shape([v(1, null, AUTOSAVE), v(2, null, AUTOSAVE), v(3, ann)], 3)).toEqual([3, 2, 1]);
  });

  it('an empty history → no entries', () => {
    expect(groupVersions([], 1)).toEqual([]);
  });
});
