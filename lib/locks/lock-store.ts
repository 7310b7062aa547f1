/** Locks expire this long after LOCK or REFRESH_LOCK ([MS-WOPI] 3.3.5.1.3). */
export const LOCK_TTL_MS = 30 * 60 * 1000;
export const LOCK_ID_MAX_LENGTH = 1024;

/** `current` is the lock held now ('' when the document is unlocked), for X-WOPI-Lock. */
export type LockOutcome = { ok: true } | { ok: false; current: string };

/** An audit event the store records in the same statement as the change (success or failure). */
export type LockAudit = { action: string; userId: string | null };

type Base = { documentId: string; now: Date };
type Change = Base & { audit?: LockAudit };

/**
 * Where WOPI locks live. Every method is ONE atomic statement: no read-compare-write. A lock
 * whose expiry is at or before `now` counts as absent. Locks belong to the document, not to
 * a user: any caller presenting the lock id holds it. With `audit`, the change and its audit
 * event commit together (one statement, one commit: lock changes are the hottest writes).
 */
export interface LockStore {
  /** Takes the lock when absent, refreshes it when `lockId` is the current one; else mismatch. */
  lock(input: Change & { lockId: string }): Promise<LockOutcome>;
  /** Releases the lock when `lockId` is the current one. */
  unlock(input: Change & { lockId: string }): Promise<LockOutcome>;
  /** Extends the lock when `lockId` is the current one. */
  refresh(input: Change & { lockId: string }): Promise<LockOutcome>;
  /** Replaces `oldLockId` by `lockId` (with a fresh expiry) when `oldLockId` is current. */
  unlockAndRelock(input: Change & { oldLockId: string; lockId: string }): Promise<LockOutcome>;
  /** The current lock id, or '' when unlocked. */
  get(input: Base): Promise<string>;
}
