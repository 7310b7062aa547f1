import { encodeCursor } from '@/lib/audit/filter';
import type { AuditPage } from '@/lib/audit/query';

/**
 * GET /api/admin/audit's body: the page's events (ids as strings: they are bigints) and the
 * cursors to pass back as `before` (older) and `after` (newer).
 */
export const auditPageJson = (page: AuditPage) => ({
  events: page.events.map((event) => ({
    id: event.id,
    at: event.at.toISOString(),
    action: event.action,
    outcome: event.outcome,
    user: event.userId ? { id: event.userId, email: event.userEmail } : null,
    document: event.documentId
      ? {
          id: event.documentId,
          name: event.documentName,
          folder: event.documentFolder,
          isDeleted: event.isDocumentDeleted,
        }
      : null,
    details: event.details,
  })),
  newer: page.newer ? encodeCursor(page.newer) : null,
  older: page.older ? encodeCursor(page.older) : null,
});
