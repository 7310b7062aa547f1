import { sql } from '@/lib/db';
import type { DocumentSummary } from '@/lib/documents/types';
import { visibleConditions } from '@/lib/search/visible-sql';

/**
 * What puts a document on someone's Recent list: opening it in an editor (recorded once per
 * access token, like WopiTokenUse), saving it (each saved version, like DocumentVersion.createdById),
 * Save As, creating and uploading it. The audit log holds all of them with the user and the
 * document, and keeps them after the janitor clears old token uses.
 */
export const RECENT_ACTIONS = ['wopi.open', 'wopi.save', 'wopi.put_relative', 'document.create', 'document.upload'];
export const RECENT_LIMIT = 20;
/** The newest events read per request: bounded work however long the user's history is. */
const RECENT_WINDOW = 1000;

export type RecentDocument = DocumentSummary & {
  /** When the user last opened or saved it, and which action that was. */
  lastUsedAt: Date;
  lastAction: string;
};

type Row = Omit<RecentDocument, 'size'> & { size: string };

/**
 * The documents `userId` opened or saved most recently, newest first, one entry per document,
 * at most `limit` (≤ 100), among the user's last 1000 such events; deleted and missing
 * documents are left out. The events are read newest first from the ("userId", at, id) index of
 * AuditEvent.
 */
export const listRecentDocuments = async (userId: string, limit = RECENT_LIMIT): Promise<RecentDocument[]> => {
  const { rows } = await sql<Row>(
    `SELECT d.id, d.name, d.folder, d.extension, d.size::text AS size, d.version, d."lastModifiedAt",
            u.name AS "lastModifiedBy", r.at AS "lastUsedAt", r.action AS "lastAction"
       FROM (SELECT DISTINCT ON (e."documentId") e."documentId", e.at, e.action
               FROM (SELECT "documentId", at, id, action FROM "AuditEvent"
                      WHERE "userId" = $1::uuid AND action = ANY($2::text[]) AND outcome = 'success'
                        AND "documentId" IS NOT NULL
                      ORDER BY at DESC, id DESC LIMIT $3) e
              ORDER BY e."documentId", e.at DESC, e.id DESC) r
       JOIN "Document" d ON d.id = r."documentId" AND ${visibleConditions().join(' AND ')}
       LEFT JOIN "User" u ON u.id = d."lastModifiedById"
      ORDER BY r.at DESC, d.id
      LIMIT $4`,
    [userId, RECENT_ACTIONS, RECENT_WINDOW, Math.min(Math.max(limit, 1), 100)],
  );

  return rows.map((row) => ({ ...row, size: Number(row.size) }));
};
