import { lateGate, sql, statementDeadline } from '@/lib/db';
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
  type Statement,
} from '@/lib/locks/lock-statements';
import type { LockAudit, LockStore } from '@/lib/wopi/ports';

const METHODS: readonly ChangeMethod[] = ['lock', 'unlock', 'refresh', 'unlockAndRelock'];

/** Per change: the statement alone, and with its audit row (same statement, one commit). */
const STATEMENTS = Object.fromEntries(
  METHODS.map((method) => [
    method,
    {
      plain: statement(`lock.${method}`, CHANGE_PARAMS[method], (p) => {
        const gate = lateGate(p.deadline);

        return `WITH ${gate.cte}, change AS (${CHANGES[method](p, gate.condition)})
                SELECT EXISTS (SELECT 1 FROM change) AS changed, ${heldOf(p)} AS held,
                       ${gate.condition} AS "onTime", ${gate.at} AS "dbNow"`;
      }),
      audited: statement(`lock.${method}+audit`, [...CHANGE_PARAMS[method], 'action', 'auditUserId'], (p) => {
        const gate = lateGate(p.deadline);

        return `WITH ${gate.cte}, change AS (${CHANGES[method](p, gate.condition)}),
                  audit AS (${auditOf(p, gate.condition)})
                SELECT EXISTS (SELECT 1 FROM change) AS changed, ${heldOf(p)} AS held,
                       ${gate.condition} AS "onTime", ${gate.at} AS "dbNow"`;
      }),
    },
  ]),
) as Record<ChangeMethod, { plain: Statement; audited: Statement }>;

const GET = statement('lock.get', ['documentId', 'now'], (p) => `SELECT ${heldOf(p)} AS held`);

/** The lock held now ('' when none): GET_LOCK, and a change that lost a race, read it on its own. */
export const currentLock = async (documentId: string, now: Date) => {
  const { rows } = await sql<{ held: string | null }>(GET.text, GET.values({ documentId, now }), GET.name);

  return rows[0]?.held ?? '';
};

type ChangeInput = { documentId: string; now: Date; lockId: string; oldLockId?: string; audit?: LockAudit };

const change = async (method: ChangeMethod, input: ChangeInput) => {
  const { documentId, now, lockId, oldLockId = '', audit } = input;
  const { name, text, values } = audit ? STATEMENTS[method].audited : STATEMENTS[method].plain;
  const deadline = statementDeadline();
  const params = { documentId, now, deadline, lockId, oldLockId, expiresAt: expiryFrom(now) };
  const auditParams = audit ? { action: audit.action, auditUserId: audit.userId } : {};
  const { rows } = await sql<ChangeVerdict>(text, values({ ...params, ...auditParams }), name);

  return outcomeOf({ method, lockId, oldLockId, deadline }, rows[0], () => currentLock(documentId, now));
};

/**
 * Postgres locks: each change is one conditional statement whose row count is the verdict, and
 * whose refusal names the lock it found (one round trip, races aside: lib/locks/lock-statements.ts).
 * Plain SQL on the shared pool: these run on every LOCK/UNLOCK/REFRESH.
 */
export const createPostgresLockStore = (): LockStore => ({
  lock: (input) => change('lock', input),
  unlock: (input) => change('unlock', input),
  refresh: (input) => change('refresh', input),
  unlockAndRelock: (input) => change('unlockAndRelock', input),
  get: ({ documentId, now }) => currentLock(documentId, now),
});

export const postgresLockStore = createPostgresLockStore();
