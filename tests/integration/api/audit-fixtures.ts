import { randomBytes, randomUUID } from 'node:crypto';
import { db, sql } from '@/lib/db';
import { createUser, type PublicUser } from '@/lib/users/users';
import { apiRequest } from '../../support/users-api';

/** A tag no other test uses: actions, names and emails carry it, so filters see only this test's rows. */
export const uniqueTag = () => `t${randomBytes(5).toString('hex')}`;

export const makeNamedUser = (email: string, role: 'admin' | 'editor' | 'viewer' = 'editor'): Promise<PublicUser> =>
  createUser({ email, password: 'correct horse battery', role });

export type SeedEvent = {
  at: Date;
  action: string;
  outcome?: 'success' | 'failure' | 'denied';
  userId?: string | null;
  documentId?: string | null;
  details?: unknown;
};

/** Inserts events as recordAudit would, with chosen times, in one statement; answers their ids in order. */
export const insertEvents = async (events: SeedEvent[]) => {
  const { rows } = await sql<{ id: string }>(
    `INSERT INTO "AuditEvent" (at, action, outcome, "userId", "documentId", details)
     SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::uuid[], $5::uuid[], $6::jsonb[])
     RETURNING id::text`,
    [
      events.map((event) => event.at),
      events.map((event) => event.action),
      events.map((event) => event.outcome ?? 'success'),
      events.map((event) => event.userId ?? null),
      events.map((event) => event.documentId ?? null),
      events.map((event) => (event.details === undefined ? null : JSON.stringify(event.details))),
    ],
  );

  return rows.map((row) => row.id);
};

/** A document row (no bytes: the audit page only reads its name, folder and deletion). */
export const makeDocument = async ({
  name,
  folder,
  isDeleted = false,
}: {
  name: string;
  folder: string;
  isDeleted?: boolean;
}) => {
  const key = `${folder}/${name}`;

  return db.document.create({
    data: {
      key: isDeleted ? `${key}.${randomUUID()}` : key,
      contentKey: key,
      name,
      folder,
      extension: name.split('.').pop() ?? '',
      size: 1n,
      lastModifiedAt: new Date(),
      deletedAt: isDeleted ? new Date() : null,
    },
    select: { id: true, name: true, folder: true },
  });
};

export const fetchAuditPage = (query: string, cookie?: string) =>
  apiRequest(`/api/admin/audit?${query}`, { cookie, method: 'GET' });

export const fetchAuditCsv = (query: string, cookie?: string) =>
  apiRequest(`/api/admin/audit.csv?${query}`, { cookie, method: 'GET' });

export type PageEvent = {
  id: string;
  at: string;
  action: string;
  outcome: string;
  user: { id: string; email: string | null } | null;
  document: { id: string; name: string | null; folder: string | null; isDeleted: boolean } | null;
  details: unknown;
};
export type PageBody = { events: PageEvent[]; newer: string | null; older: string | null };

/** GET /api/admin/audit as `cookie`, expecting 200: the page's body. */
export const auditPage = async (query: Record<string, string>, cookie: string): Promise<PageBody> => {
  const response = await fetchAuditPage(new URLSearchParams(query).toString(), cookie);
  if (response.status !== 200) throw new Error(`GET /api/admin/audit → ${response.status}: ${await response.text()}`);

  return (await response.json()) as PageBody;
};

/** RFC 4180: fields separated by commas, records by CRLF, quoted fields with doubled quotes. */
export const parseCsv = (text: string) => {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let isQuoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (isQuoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') isQuoted = false;
      else field += char;
    } else if (char === '"' && field === '') isQuoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += char;
  }
  if (field !== '' || record.length > 0) throw new Error('CSV does not end with CRLF');

  return records;
};
