import { describe, expect, it } from 'vitest';
import { filesFromDrop, filesFromList, joinFolder } from '@/lib/upload/collect-files';

const fileAt = (relativePath: string) => {
  const file = new File(['x'], relativePath.split('/').pop()!);
  Object.defineProperty(file, 'webkitRelativePath', { value: relativePath });

  return file;
};

type FakeEntry = {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  file?: (ok: (file: File) => void) => void;
  createReader?: () => { readEntries: (ok: (entries: FakeEntry[]) => void) => void };
};

const fileEntry = (name: string): FakeEntry => ({
  isFile: true,
  isDirectory: false,
  name,
  file: (ok) => ok(new File(['x'], name)),
});

/** A directory whose reader answers in batches of one, then an empty batch (as browsers do past 100). */
const dirEntry = (name: string, children: FakeEntry[]): FakeEntry => ({
  isFile: false,
  isDirectory: true,
  name,
  createReader: () => {
    let next = 0;

    return { readEntries: (ok) => ok(next < children.length ? [children[next++]!] : []) };
  },
});

const dropOf = (entries: FakeEntry[]) =>
  ({
    items: entries.map((entry) => ({ kind: 'file', webkitGetAsEntry: () => entry })),
    files: [],
  }) as unknown as DataTransfer;

describe('upload file collection', () => {
  it('filesFromList: picked files keep the folders of webkitRelativePath; plain files go to ""', () => {
    const picked = filesFromList([fileAt('Reports/2026/q1.xlsx'), fileAt('Reports/a.docx'), fileAt('')] as never);
    expect(picked.map(({ file, relativeFolder }) => [file.name, relativeFolder])).toEqual([
      ['q1.xlsx', 'Reports/2026'],
      ['a.docx', 'Reports'],
      ['', ''],
    ]);
    expect(filesFromList(null)).toEqual([]);
  });

  it('filesFromDrop: a dropped folder is walked to the end of every batch, subfolders kept', async () => {
    const picked = await filesFromDrop(
      dropOf([
        dirEntry('Reports', [fileEntry('a.docx'), dirEntry('2026', [fileEntry('q1.xlsx'), fileEntry('q2.xlsx')])]),
        fileEntry('loose.pdf'),
      ]),
    );
    expect(picked.map(({ file, relativeFolder }) => `${relativeFolder}|${file.name}`)).toEqual([
      'Reports|a.docx',
      'Reports/2026|q1.xlsx',
      'Reports/2026|q2.xlsx',
      '|loose.pdf',
    ]);
  });

  it('joinFolder: the panel folder plus the relative one, without empty parts', () => {
    expect(joinFolder('Projects', 'Reports/2026')).toBe('Projects/Reports/2026');
    expect(joinFolder('', 'Reports')).toBe('Reports');
    expect(joinFolder('Projects', '')).toBe('Projects');
  });
});
