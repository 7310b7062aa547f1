import { sql } from '@/lib/db';
import { AUDIT_PAGE_SIZE, type AuditCursor, type AuditFilter, type AuditPosition } from '@/lib/audit/filter';
import { resolveAuditFilter, type Alternative, type Param, type ResolvedAuditFilter } from '@/lib/audit/resolve-filter';

export type AuditEventRow = {
  id: string;
  at: Date;
  action: string;
  outcome: string;
  userId: string | null;
  /** The user's email now; null when the event has no user or the account is gone. */
  userEmail: string | null;
  documentId: string | null;
  /** The document's name and folder now; null when the row is gone (purged). */
  documentName: string | null;
  documentFolder: string | null;
  /** Whether the document is in the trash (it still exists, but has no folder to show it in). */
  isDocumentDeleted: boolean;
  details: unknown;
};

export type AuditPage = { events: AuditEventRow[]; newer: AuditCursor | null; older: AuditCursor | null };

type Slice = { before?: AuditCursor; after?: AuditCursor; limit: number };

const COLUMNS = 'id, at, action, outcome, "userId", "documentId", details';

/**
 * Events of `resolved` in (at, id) descending order, `limit` of them before or after a cursor
 * (keyset: a row comparison the indexes answer, never OFFSET), with the user's email and the
 * document's current name and folder. `after` reads ascending and returns descending.
 * Alternatives are one ordered, limited query each, merged (UNION ALL) and limited again.
 */
export const selectAuditEvents = async (resolved: ResolvedAuditFilter, slice: Slice): Promise<AuditEventRow[]> => {
  if (resolved.isEmpty) return [];
  const values: unknown[] = [];
  const param: Param = (value) => {
    values.push(value);

    return `$${values.length}`;
  };
  const direction = slice.after ? 'ASC' : 'DESC';
  const order = `ORDER BY at ${direction}, id ${direction}`;
  const limit = param(slice.limit);
  const select = (alternative?: Alternative) => {
    const where = resolved.conditions.map((condition) => condition(param));
    if (alternative) where.push(alternative.condition(param));
    if (slice.before) where.push(`(at, id) < (${param(slice.before.at)}, ${param(slice.before.id)}::bigint)`);
    if (slice.after) where.push(`(at, id) > (${param(slice.after.at)}, ${param(slice.after.id)}::bigint)`);
    const leading = alternative?.constantColumn ? `${alternative.constantColumn} ${direction}, ` : '';

    return `SELECT ${COLUMNS} FROM "AuditEvent" ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
            ORDER BY ${leading}at ${direction}, id ${direction} LIMIT ${limit}`;
  };
  const events =
    resolved.alternatives.length > 1
      ? `${resolved.alternatives.map((alternative) => `(${select(alternative)})`).join(' UNION ALL ')} ${order} LIMIT ${limit}`
      : select(resolved.alternatives[0]);
  const { rows } = await sql<AuditEventRow & { documentDeletedAt: Date | null }>(
    `SELECT e.id::text AS id, e.at, e.action, e.outcome, e."userId", u.email AS "userEmail",
            e."documentId", d.name AS "documentName", d.folder AS "documentFolder",
            d."deletedAt" AS "documentDeletedAt", e.details
       FROM (${events}) e
       LEFT JOIN "User" u ON u.id = e."userId"
       LEFT JOIN "Document" d ON d.id = e."documentId"
      ORDER BY e.at DESC, e.id DESC`,
    values,
  );

  return rows.map(({ documentDeletedAt, ...row }) => ({ ...row, isDocumentDeleted: documentDeletedAt !== null }));
};

const cursorOf = (row: AuditEventRow | undefined): AuditCursor | null =>
  row ? { at: row.at, id: BigInt(row.id) } : null;

/**
 * One page of the audit log (AUDIT_PAGE_SIZE events, newest first) and the cursors of the pages
 * around it. A "newer" page that would come out short is the first page instead.
 */
export const listAuditPage = async ({
  filter,
  position = {},
}: {
  filter: AuditFilter;
  position?: AuditPosition;
}): Promise<AuditPage> => {
  const resolved = await resolveAuditFilter(filter);
  if (position.after) {
    const rows = await selectAuditEvents(resolved, { after: position.after, limit: AUDIT_PAGE_SIZE + 1 });
    if (rows.length > AUDIT_PAGE_SIZE) {
      const events = rows.slice(1);

      return { events, newer: cursorOf(events[0]), older: cursorOf(events.at(-1)) };
    }
    if (rows.length === AUDIT_PAGE_SIZE) return { events: rows, newer: null, older: cursorOf(rows.at(-1)) };
  }
  const before = position.before;
  const rows = await selectAuditEvents(resolved, { before, limit: AUDIT_PAGE_SIZE + 1 });
  const events = rows.slice(0, AUDIT_PAGE_SIZE);

  return {
    events,
    newer: before ? (cursorOf(events[0]) ?? before) : null,
    older: rows.length > AUDIT_PAGE_SIZE ? cursorOf(events.at(-1)) : null,
  };
};

/**
 * Every event of `resolved`, newest first, in keyset batches of `batchSize`: one short query per
 * batch on the shared pool, so a long export holds no connection and no more than one batch.
 */
export async function* auditEventBatches(resolved: ResolvedAuditFilter, { batchSize = 1000 } = {}) {
  let before: AuditCursor | undefined;
  for (;;) {
    const rows = await selectAuditEvents(resolved, { before, limit: batchSize });
    if (rows.length > 0) yield rows;
    if (rows.length < batchSize) return;
    before = cursorOf(rows.at(-1))!;
  }
}
