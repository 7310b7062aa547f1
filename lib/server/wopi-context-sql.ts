/**
 * The SQL of a WOPI request's context: the token's user (not disabled) and the visible document,
 * each as one JSON object or NULL, in ONE round trip. $1 = user id, $2 = document id (uuids,
 * checked by the caller). Timestamps come back as ISO strings with milliseconds; size as text
 * (bigint). Read by loadWopiContext (lib/server/wopi-document-store.ts) and, verbatim, by the
 * bench's floor+Postgres baseline (scripts/bench/floor-server.ts), so the bench's bound for a
 * host that reads Postgres per request runs this very query. No imports: the floor bundles it alone.
 */
export const WOPI_CONTEXT_SQL = `SELECT
       (SELECT json_build_object('id', u.id, 'email', u.email, 'name', u.name, 'role', u.role, 'wopiUserInfo', u."wopiUserInfo")
          FROM "User" u WHERE u.id = $1::uuid AND u."disabledAt" IS NULL) AS "user",
       (SELECT json_build_object('id', d.id, 'name', d.name, 'folder', d.folder, 'extension', d.extension, 'size', d.size::text,
                                 'sha256', d.sha256, 'version', d.version, 'lastModifiedAt', d."lastModifiedAt",
                                 'createdById', d."createdById", 'contentKey', d."contentKey", 'key', d.key, 'etag', d.etag,
                                 'mirrorPendingSince', d."mirrorPendingSince")
          FROM "Document" d WHERE d.id = $2::uuid AND d."missingSince" IS NULL AND d."deletedAt" IS NULL) AS "document"`;
