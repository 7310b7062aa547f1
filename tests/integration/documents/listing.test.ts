import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { listFolder } from '@/lib/documents/queries';
import { addDocument, uniqueFolder } from '../../support/documents';

describe('listFolder', () => {
  it('lists a folder: subfolders and documents, name order by default', async () => {
    const folder = uniqueFolder();
    await addDocument(folder, 'b.docx', 'bb');
    await addDocument(folder, 'a.xlsx', 'a');
    await addDocument(`${folder}/Sub`, 'deep.odt');
    const listing = await listFolder({ folder });
    expect(listing.documents.map((doc) => doc.name)).toEqual(['a.xlsx', 'b.docx']);
    expect(listing.folders).toEqual([{ path: `${folder}/Sub`, name: 'Sub' }]);
    expect(listing.total).toBe(2);
  });

  it('sorts by size and by modified time, both directions', async () => {
    const folder = uniqueFolder();
    await addDocument(folder, 'small.txt', 'x');
    await addDocument(folder, 'large.txt', 'x'.repeat(500));
    await addDocument(folder, 'medium.txt', 'x'.repeat(50));
    const bySizeDesc = await listFolder({ folder, sort: 'size', dir: 'desc' });
    expect(bySizeDesc.documents.map((doc) => doc.name)).toEqual(['large.txt', 'medium.txt', 'small.txt']);
    const byModifiedAsc = await listFolder({ folder, sort: 'modified', dir: 'asc' });
    expect(byModifiedAsc.documents.map((doc) => doc.name)).toEqual(['small.txt', 'large.txt', 'medium.txt']);
  });

  it('filters by name, case-insensitive, treating % and _ literally', async () => {
    const folder = uniqueFolder();
    await addDocument(folder, 'Budget 2026.xlsx');
    await addDocument(folder, 'budget_old.xlsx');
    await addDocument(folder, 'Notes.docx');
    expect((await listFolder({ folder, query: 'BUDGET' })).documents.map((doc) => doc.name)).toEqual([
      'Budget 2026.xlsx',
      'budget_old.xlsx',
    ]);
    expect((await listFolder({ folder, query: '_' })).documents.map((doc) => doc.name)).toEqual(['budget_old.xlsx']);
    expect((await listFolder({ folder, query: '%' })).documents).toEqual([]);
  });

  it('paginates: pages do not overlap and cover every document', async () => {
    const folder = uniqueFolder();
    await db.document.createMany({
      data: Array.from({ length: 125 }, (_, index) => ({
        key: `${folder}/doc-${String(index).padStart(3, '0')}.txt`,
        contentKey: `${folder}/doc-${String(index).padStart(3, '0')}.txt`,
        name: `doc-${String(index).padStart(3, '0')}.txt`,
        folder,
        extension: 'txt',
        size: index,
        lastModifiedAt: new Date(),
      })),
    });
    const pages = await Promise.all([1, 2, 3].map((page) => listFolder({ folder, page, pageSize: 50 })));
    expect(pages.map((page) => page.documents.length)).toEqual([50, 50, 25]);
    const names = pages.flatMap((page) => page.documents.map((doc) => doc.name));
    expect(new Set(names).size).toBe(125);
    expect(pages[0]!.total).toBe(125);
  });

  it('a folder of 10,000 documents: one page in well under a second', async () => {
    const folder = uniqueFolder('big');
    const rows = Array.from({ length: 10_000 }, (_, index) => ({
      key: `${folder}/file-${index}.docx`,
      contentKey: `${folder}/file-${index}.docx`,
      name: `file-${index}.docx`,
      folder,
      extension: 'docx',
      size: index * 10,
      lastModifiedAt: new Date(Date.now() - index * 1000),
    }));
    for (let start = 0; start < rows.length; start += 2000) {
      await db.document.createMany({ data: rows.slice(start, start + 2000) });
    }
    const started = performance.now();
    const listing = await listFolder({ folder, sort: 'size', dir: 'desc', page: 150, pageSize: 50 });
    const elapsed = performance.now() - started;
    expect(listing.total).toBe(10_000);
    expect(listing.documents).toHaveLength(50);
    expect(listing.documents[0]!.size).toBe((10_000 - 1 - 149 * 50) * 10);
    expect(elapsed).toBeLessThan(1000);
  });
});
