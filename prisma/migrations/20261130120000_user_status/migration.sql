-- Disabled accounts (sign-in refused, sessions and WOPI tokens stop working) and the instant
-- before which a user's sessions are refused (disable, password reset or change).
-- AlterTable
ALTER TABLE "User" ADD COLUMN     "disabledAt" TIMESTAMPTZ(3),
ADD COLUMN     "sessionsValidAfter" TIMESTAMPTZ(3);
