-- One row per folder a running folder operation holds (lib/documents/folder-lease.ts): a second
-- operation on the same folder, or on one above or below it, is refused (409 folder_busy) until
-- the holder releases its rows or they expire (a crashed process's lease lapses by itself).
CREATE TABLE "FolderLease" (
    "id" UUID NOT NULL,
    "holder" UUID NOT NULL,
    "path" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "FolderLease_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "FolderLease_holder_idx" ON "FolderLease"("holder");

CREATE INDEX "FolderLease_expiresAt_idx" ON "FolderLease"("expiresAt");
