import { lateGate, sql, statementDeadline } from '@/lib/db';
import { isUuid } from '@/lib/documents/queries';
import { currentLock } from '@/lib/locks/postgres-lock-store';
import {
  auditOf,
  CHANGE_PARAMS,
  CHANGES,
  type ChangeMethod,
  expiryFrom,
  heldOf,
  outcomeOf,
  statement,
  type ChangeVerdict,
  type Placeholders,
  type Statement,
} from '@/lib/locks/lock-statements';
import type { LockWithContextInput, LockWithContextResult, WopiDocument, WopiUser } from '@/lib/wopi/ports';

/**
 * The token's user and the visible document, as loadWopiContext (lib/server/wopi-document-store.ts)
 * selects them: keep the two in step (tests/integration/locks/lock-with-context.test.ts compares
 * them). `found_user` and `found_document` are CTEs, so the change below can be gated on them.
 */
const CONTEXT_CTES = (p: Placeholders) =>
  `found_user AS (SELECT u.id, u.email, u.name, u.role, u."wopiUserInfo" FROM "User" u
                  WHERE u.id = ${p.userId}::uuid AND u."disabledAt" IS NULL),
   found_document AS (
     SELECT d.id, d.name, d.folder, d.extension, d.size, d.sha256, d.version, d."lastModifiedAt", d."createdById",
            d."contentKey", d.key, d.etag, d."mirrorPendingSince"
     FROM "Document" d WHERE d.id = ${p.documentId}::uuid AND d."missingSince" IS NULL AND d."deletedAt" IS NULL)`;

const CONTEXT_COLUMNS = `
  (SELECT json_build_object('id', u.id, 'email', u.email, 'name', u.name, 'role', u.role, 'wopiUserInfo', u."wopiUserInfo")
     FROM found_user u) AS "user",
  (SELECT json_build_object('id', d.id, 'name', d.name, 'folder', d.folder, 'extension', d.extension, 'size', d.size::text,
                            'sha256', d.sha256, 'version', d.version, 'lastModifiedAt', d."lastModifiedAt",
                            'createdById', d."createdById", 'contentKey', d."contentKey", 'key', d.key, 'etag', d.etag,
                            'mirrorPendingSince', d."mirrorPendingSince")
     FROM found_document d) AS "document"`;

/** Only a user whose role may write, on a visible document, changes the lock (and is audited). */
const permittedOf = (p: Placeholders) =>
  `permitted AS (SELECT 1 FROM found_user, found_document WHERE found_user.role::text = ANY (${p.roles}::text[]))`;
const PERMITTED = 'EXISTS (SELECT 1 FROM permitted)';

const METHODS: readonly ChangeMethod[] = ['lock', 'unlock', 'refresh', 'unlockAndRelock'];

/** Per change: context, gate, change, audit row and the held lock, in one statement. */
const CHANGE_STATEMENTS = Object.fromEntries(
  METHODS.map((method) => [
    method,
    statement(`lock.${method}+context`, [...CHANGE_PARAMS[method], 'action', 'auditUserId', 'userId', 'roles'], (p) => {
      const late = lateGate(p.deadline);
      const gate = `${PERMITTED} AND ${late.condition}`;

      return `WITH ${late.cte}, ${CONTEXT_CTES(p)},
                ${permittedOf(p)},
                change AS (${CHANGES[method](p, gate)}),
                audit AS (${auditOf(p, gate)})
              SELECT ${CONTEXT_COLUMNS}, ${PERMITTED} AS "isPermitted",
                     EXISTS (SELECT 1 FROM change) AS changed, ${heldOf(p)} AS held,
                     ${late.condition} AS "onTime", ${late.at} AS "dbNow"`;
    }),
  ]),
) as Record<ChangeMethod, Statement>;

const GET_STATEMENT = statement(
  'lock.get+context',
  ['userId', 'documentId', 'now'],
  (p) => `WITH ${CONTEXT_CTES(p)} SELECT ${CONTEXT_COLUMNS}, ${heldOf(p)} AS held`,
);

type JsonDocument = Omit<WopiDocument, 'size' | 'lastModifiedAt' | 'mirrorPendingSince'> & {
  size: string;
  lastModifiedAt: string;
  mirrorPendingSince: string | null;
};

type ContextRow = { user: WopiUser | null; document: JsonDocument | null; held: string | null };
type ChangeRow = ContextRow & ChangeVerdict & { isPermitted: boolean };

/** As loadWopiContext: timestamps arrive as ISO strings, size as text (bigint). */
const toDocument = (doc: JsonDocument | null): WopiDocument | null =>
  doc
    ? {
        ...doc,
        size: Number(doc.size),
        lastModifiedAt: new Date(doc.lastModifiedAt),
        mirrorPendingSince: doc.mirrorPendingSince ? new Date(doc.mirrorPendingSince) : null,
      }
    : null;

const NOTHING: LockWithContextResult = { user: null, document: null, result: null };

/**
 * WopiPorts.lockWithContext on Postgres: the context lookup, the lock change and its audit row
 * in ONE statement (one round trip, one commit). The change keeps its LockStore semantics
 * (lib/locks/postgres-lock-store.ts: the same statement text, gated); only a refusal whose
 * snapshot disagrees with it (a concurrent change won) costs a second statement.
 */
export const postgresLockWithContext = async ({
  userId,
  documentId,
  roles,
  now,
  call,
}: LockWithContextInput): Promise<LockWithContextResult> => {
  if (!isUuid(userId) || !isUuid(documentId)) return NOTHING;
  if (call.method === 'get') {
    const { rows } = await sql<ContextRow>(
      GET_STATEMENT.text,
      GET_STATEMENT.values({ userId, documentId, now }),
      GET_STATEMENT.name,
    );
    const row = rows[0];

    return { user: row?.user ?? null, document: toDocument(row?.document ?? null), result: row?.held ?? '' };
  }
  const { name, text, values } = CHANGE_STATEMENTS[call.method];
  const oldLockId = call.method === 'unlockAndRelock' ? call.oldLockId : '';
  const { action, userId: auditUserId } = call.audit;
  const deadline = statementDeadline();
  const params = {
    userId,
    documentId,
    roles,
    now,
    deadline,
    expiresAt: expiryFrom(now),
    lockId: call.lockId,
    oldLockId,
  };
  const { rows } = await sql<ChangeRow>(text, values({ ...params, action, auditUserId }), name);
  const row = rows[0];
  const document = toDocument(row?.document ?? null);
  const expected = { method: call.method, lockId: call.lockId, oldLockId, deadline };
  const result =
    row?.isPermitted && document ? await outcomeOf(expected, row, () => currentLock(document.id, now)) : null;

  return { user: row?.user ?? null, document, result };
};
