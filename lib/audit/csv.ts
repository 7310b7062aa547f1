import type { AuditFilter } from '@/lib/audit/filter';
import { auditEventBatches, type AuditEventRow } from '@/lib/audit/query';
import { resolveAuditFilter } from '@/lib/audit/resolve-filter';
import { dayIn, localTimestampIn } from '@/lib/audit/time-zone';
import { log } from '@/lib/log';

// A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV Injection").
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV field (RFC 4180): quoted when it holds a quote, comma or line break, quotes doubled.
 * Text a spreadsheet would run as a formula gets a leading ' and is quoted, as OWASP recommends.
 */
export const csvCell = (value: string | number | bigint | null | undefined) => {
  if (value === null || value === undefined) return '';
  const text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) return `"'${text.replaceAll('"', '""')}"`;

  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** One CSV record, CRLF-terminated (RFC 4180). */
export const csvRecord = (cells: (string | number | bigint | null | undefined)[]) =>
  `${cells.map(csvCell).join(',')}\r\n`;

const detailsName = (details: unknown) => {
  if (!details || typeof details !== 'object') return null;
  const { name, to } = details as { name?: unknown; to?: unknown };

  return typeof name === 'string' ? name : typeof to === 'string' ? to : null;
};

const header = (timeZone: string) =>
  csvRecord([
    'id',
    'time_utc',
    `time_local (${timeZone})`,
    'user',
    'user_id',
    'action',
    'outcome',
    'document_id',
    'document',
    'folder',
    'details',
  ]);

const record = (event: AuditEventRow, timeZone: string) =>
  csvRecord([
    event.id,
    event.at.toISOString(),
    localTimestampIn(event.at, timeZone),
    event.userEmail,
    event.userId,
    event.action,
    event.outcome,
    event.documentId,
    event.documentName ?? detailsName(event.details),
    event.documentFolder,
    event.details === null ? null : JSON.stringify(event.details),
  ]);

/** "audit-log-2026-11-30.csv": today in the user's time zone. */
export const auditCsvFileName = (now: Date, timeZone: string) => `audit-log-${dayIn(now, timeZone)}.csv`;

/**
 * The events of `filter` as a streamed CSV download: the lookups and the first batch run before
 * the answer starts (so a bad filter or an unavailable database is a proper error status), then
 * one keyset batch per pull: the stream holds one batch at a time, however many events match.
 */
export const auditCsvResponse = async (filter: AuditFilter, { now = new Date(), batchSize = 1000 } = {}) => {
  const batches = auditEventBatches(await resolveAuditFilter(filter), { batchSize });
  const encoder = new TextEncoder();
  let pending: IteratorResult<AuditEventRow[]> | undefined = await batches.next();
  const body = new ReadableStream<Uint8Array>({
    start: (controller) => controller.enqueue(encoder.encode(header(filter.timeZone))),
    pull: async (controller) => {
      try {
        const next = pending ?? (await batches.next());
        pending = undefined;
        if (next.done) return controller.close();
        controller.enqueue(encoder.encode(next.value.map((event) => record(event, filter.timeZone)).join('')));
      } catch (error) {
        log.error({ err: error }, 'audit CSV export failed mid-stream');
        controller.error(error);
      }
    },
    cancel: async () => {
      await batches.return(undefined);
    },
  });

  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8; header=present',
      'Content-Disposition': `attachment; filename="${auditCsvFileName(now, filter.timeZone)}"`,
      'Cache-Control': 'no-store',
    },
  });
};
