-- CreateTable
CREATE TABLE "SignInAttempt" (
    "key" VARCHAR(255) NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,

    CONSTRAINT "SignInAttempt_pkey" PRIMARY KEY ("key")
);
