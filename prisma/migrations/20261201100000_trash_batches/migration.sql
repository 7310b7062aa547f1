-- A folder deleted from the portal: its documents go to the trash together and come back together.
CREATE TABLE "TrashBatch" (
    "id" UUID NOT NULL,
    "path" TEXT NOT NULL,
    "folders" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "deletedAt" TIMESTAMPTZ(3) NOT NULL,
    "deletedById" UUID,

    CONSTRAINT "TrashBatch_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "TrashBatch_deletedAt_idx" ON "TrashBatch"("deletedAt");

ALTER TABLE "TrashBatch" ADD CONSTRAINT "TrashBatch_deletedById_fkey" FOREIGN KEY ("deletedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

ALTER TABLE "Document" ADD COLUMN "trashBatchId" UUID;

CREATE INDEX "Document_trashBatchId_idx" ON "Document"("trashBatchId");

ALTER TABLE "Document" ADD CONSTRAINT "Document_trashBatchId_fkey" FOREIGN KEY ("trashBatchId") REFERENCES "TrashBatch"("id") ON DELETE SET NULL ON UPDATE CASCADE;
