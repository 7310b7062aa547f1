-- CreateTable
CREATE TABLE "WopiClientDiscovery" (
    "client" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "xml" TEXT,
    "fetchedAt" TIMESTAMPTZ(3),
    "lastAttemptAt" TIMESTAMPTZ(3),
    "lastError" TEXT,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "WopiClientDiscovery_pkey" PRIMARY KEY ("client")
);
