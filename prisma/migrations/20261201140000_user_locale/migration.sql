-- The portal language a user chose on /account ('en', 'de', 'fr'). NULL: follow the browser.
ALTER TABLE "User" ADD COLUMN "locale" TEXT;
