-- The visible object is copied from the committed blob AFTER the commit (syncMirror in lib/documents/content.ts);
-- this marks rows whose copy has not landed yet, so readers never mistake it for another tool's change.
ALTER TABLE "Document" ADD COLUMN "mirrorPendingSince" TIMESTAMPTZ(3);

CREATE INDEX "Document_mirrorPendingSince_idx" ON "Document"("mirrorPendingSince");
