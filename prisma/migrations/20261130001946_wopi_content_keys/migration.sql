-- Documents read their bytes from `contentKey` (an immutable version object once the portal
-- wrote them). Rows that exist already keep reading from their visible key.
-- No semicolons in comments: adapter-pg splits migration scripts on every semicolon.
ALTER TABLE "Document" ADD COLUMN "contentKey" TEXT;
UPDATE "Document" SET "contentKey" = "key";
ALTER TABLE "Document" ALTER COLUMN "contentKey" SET NOT NULL;

ALTER TABLE "Document" ADD COLUMN "deletedAt" TIMESTAMPTZ(3),
ADD COLUMN "deletedById" UUID;

ALTER TABLE "User" ADD COLUMN "wopiUserInfo" TEXT;
