import { db } from '@/lib/db';
import type { Prisma } from '@/lib/generated/prisma/client';
import type { DocumentSummary, SortDirection, SortField } from '@/lib/documents/types';

export const PAGE_SIZE_MAX = 200;

/** Rows the portal shows: not deleted, and their object not vanished from the bucket. */
export const VISIBLE = { missingSince: null, deletedAt: null } as const satisfies Prisma.DocumentWhereInput;

const summarySelect = {
  id: true,
  name: true,
  folder: true,
  extension: true,
  size: true,
  version: true,
  lastModifiedAt: true,
  lastModifiedBy: { select: { name: true } },
} satisfies Prisma.DocumentSelect;

type SummaryRow = Prisma.DocumentGetPayload<{ select: typeof summarySelect }>;

const toSummary = (row: SummaryRow): DocumentSummary => ({
  ...row,
  size: Number(row.size),
  lastModifiedBy: row.lastModifiedBy?.name ?? null,
});

const orderFor = (sort: SortField, dir: SortDirection): Prisma.DocumentOrderByWithRelationInput[] => {
  const field = sort === 'modified' ? 'lastModifiedAt' : sort;

  return [{ [field]: dir }, { name: 'asc' }, { id: 'asc' }];
};

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

type ListOptions = {
  folder: string;
  sort?: SortField;
  dir?: SortDirection;
  query?: string;
  page?: number;
  pageSize?: number;
};

/** One page of a folder: its subfolders (all, they are few) and a page of its documents. */
export const listFolder = async ({
  folder,
  sort = 'name',
  dir = 'asc',
  query,
  page = 1,
  pageSize = 50,
}: ListOptions) => {
  const take = Math.min(Math.max(pageSize, 1), PAGE_SIZE_MAX);
  const filter = query?.trim() ? { contains: escapeLike(query.trim()), mode: 'insensitive' as const } : undefined;
  const where: Prisma.DocumentWhereInput = { folder, ...VISIBLE, ...(filter ? { name: filter } : {}) };
  const [total, rows, folders] = await Promise.all([
    db.document.count({ where }),
    db.document.findMany({
      where,
      select: summarySelect,
      orderBy: orderFor(sort, dir),
      skip: (Math.max(page, 1) - 1) * take,
      take,
    }),
    db.folder.findMany({
      where: { parent: folder, ...(filter ? { name: filter } : {}) },
      select: { path: true, name: true },
      orderBy: { name: sort === 'name' && dir === 'desc' ? 'desc' : 'asc' },
      take: 1000,
    }),
  ]);

  return { folders, documents: rows.map(toSummary), total, page: Math.max(page, 1), pageSize: take };
};

export const getDocument = async (id: string) => {
  const row = await db.document.findFirst({
    where: { id, ...VISIBLE },
    select: { ...summarySelect, key: true, sha256: true },
  });

  return row ? { ...toSummary(row), key: row.key, sha256: row.sha256 } : null;
};

export const findDocumentByKey = async (key: string) =>
  db.document.findUnique({ where: { key }, select: { id: true, missingSince: true } });

export const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

/** For the CLI: every visible document in one folder, or in all of them. */
export const listDocumentRows = (folder: string | null) =>
  db.document.findMany({
    where: folder === null ? VISIBLE : { ...VISIBLE, folder },
    select: { id: true, name: true, folder: true, size: true, sha256: true, version: true, lastModifiedAt: true },
    orderBy: [{ folder: 'asc' }, { name: 'asc' }],
  });
