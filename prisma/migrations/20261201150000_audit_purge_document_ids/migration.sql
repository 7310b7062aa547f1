-- A purge recorded the purged document's id only in its details (the row was gone, and the
-- column had a foreign key until 20261130140000): "Delete forever" as document.purge with
-- details.trashId (a document's trash entry is its own id), the janitor as janitor.trash_purged
-- with details.documentId. Both now record it in "documentId", so filtering by the document's id
-- finds its whole history on the ("documentId", at) index, and earlier rows are brought in line here.
UPDATE "AuditEvent"
   SET "documentId" = (details->>'trashId')::uuid
 WHERE action = 'document.purge'
   AND "documentId" IS NULL
   AND details->>'trashId' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

UPDATE "AuditEvent"
   SET "documentId" = (details->>'documentId')::uuid
 WHERE action = 'janitor.trash_purged'
   AND "documentId" IS NULL
   AND details->>'documentId' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
