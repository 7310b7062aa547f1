-- An audit row keeps the ids it recorded: a purged document or a deleted user no longer blanks
-- who or what an event was about (ON DELETE SET NULL did). It also spares every audited lock
-- change and save two foreign-key checks, each a FOR KEY SHARE row lock on "User" and
-- "Document" (concurrent editors of one account shared one row lock, i.e. a MultiXact each).
-- The audit page joins names with LEFT JOIN (lib/audit/query.ts) and shows a recorded name
-- when the row is gone.
ALTER TABLE "AuditEvent" DROP CONSTRAINT IF EXISTS "AuditEvent_userId_fkey";
ALTER TABLE "AuditEvent" DROP CONSTRAINT IF EXISTS "AuditEvent_documentId_fkey";
