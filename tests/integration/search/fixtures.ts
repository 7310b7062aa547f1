import { randomBytes, randomUUID } from 'node:crypto';
import { db } from '@/lib/db';
import { extensionOf } from '@/lib/storage/keys';
import { apiRequest } from '../../support/users-api';

/** A tag no other test uses: names carry it, so a search for it sees only this test's rows. */
export const uniqueTag = () => `t${randomBytes(5).toString('hex')}`;

type DocumentSeed = {
  name: string;
  folder?: string;
  lastModifiedAt?: Date;
  lastModifiedById?: string | null;
  isDeleted?: boolean;
  isMissing?: boolean;
};

/** A document row as the portal keeps it (no bytes: search and Recent read metadata only). */
export const insertDocument = async ({
  name,
  folder = `search-${randomUUID().slice(0, 8)}`,
  lastModifiedAt = new Date(),
  lastModifiedById = null,
  isDeleted = false,
  isMissing = false,
}: DocumentSeed) => {
  const key = folder ? `${folder}/${name}` : name;

  return db.document.create({
    data: {
      key: isDeleted ? `${key}.${randomUUID()}` : key,
      contentKey: key,
      name,
      folder,
      extension: extensionOf(name),
      size: 1234n,
      lastModifiedAt,
      lastModifiedById,
      deletedAt: isDeleted ? new Date() : null,
      missingSince: isMissing ? new Date() : null,
    },
    select: { id: true, name: true, folder: true },
  });
};

export const fetchSearch = (query: string | Record<string, string>, cookie?: string) =>
  apiRequest(`/api/documents/search?${typeof query === 'string' ? query : new URLSearchParams(query).toString()}`, {
    cookie,
    method: 'GET',
  });

export type SearchBody = {
  results: {
    id: string;
    name: string;
    folder: string;
    extension: string;
    size: number;
    version: number;
    lastModifiedAt: string;
    lastModifiedBy: string | null;
  }[];
  total: number;
  isTotalCapped: boolean;
  page: number;
  pageSize: number;
  pageCount: number;
};

/** GET /api/documents/search that must answer 200; its body. */
export const search = async (query: Record<string, string>, cookie: string) => {
  const response = await fetchSearch(query, cookie);
  if (response.status !== 200)
    throw new Error(`search ${JSON.stringify(query)} → ${response.status}: ${await response.text()}`);

  return (await response.json()) as SearchBody;
};

export const fetchRecent = (cookie?: string) => apiRequest('/api/documents/recent', { cookie, method: 'GET' });
