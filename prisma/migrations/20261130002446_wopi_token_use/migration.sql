-- CreateTable
CREATE TABLE "WopiTokenUse" (
    "tokenId" TEXT NOT NULL,
    "documentId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "firstUsedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WopiTokenUse_pkey" PRIMARY KEY ("tokenId")
);

-- CreateIndex
CREATE INDEX "WopiTokenUse_firstUsedAt_idx" ON "WopiTokenUse"("firstUsedAt");
