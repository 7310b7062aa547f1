-- Search by name across folders (lib/search/query.ts) and the Recent list (lib/search/recent.ts).
-- pg_trgm and unaccent are contrib extensions: shipped by embedded-postgres and by Debian's
-- postgresql-15 package (it provides postgresql-contrib-15), and trusted, so the database owner
-- may create them. Keep semicolons out of comments: adapter-pg splits this script on each one.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

-- The form names are matched in: lower-cased and without accents. A SQL-standard body binds
-- unaccent and its dictionary when the function is created, so index maintenance (which runs
-- with a restricted search_path) finds them. IMMUTABLE holds as long as the unaccent rules file
-- does not change (reindex the trigram index after changing it).
CREATE OR REPLACE FUNCTION wopi_search_fold(value text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  RETURN lower(unaccent('unaccent'::regdictionary, value));

-- The folded name, kept by Postgres itself on every insert and rename: a search reads it rather
-- than folding 100,000 names per query (Prisma never writes it: @ignore in schema.prisma).
ALTER TABLE "Document" ADD COLUMN "searchName" text GENERATED ALWAYS AS (wopi_search_fold(name)) STORED;

-- Substring (LIKE '%…%') and similarity search on folded names.
CREATE INDEX "Document_searchName_trgm_idx" ON "Document" USING gin ("searchName" gin_trgm_ops);

-- Search results sorted by modification date (no folder to narrow them by).
CREATE INDEX "Document_lastModifiedAt_id_idx" ON "Document"("lastModifiedAt", "id");
