import { describe, expect, it } from 'vitest';
import { LOCK_ID_MAX_LENGTH, LOCK_TTL_MS, type LockStore } from '@/lib/wopi/ports';

const T0 = new Date('2031-03-04T05:06:07.089Z');
const MINUTE = 60 * 1000;
const at = (ms: number) => new Date(T0.getTime() + ms);

export type LockStoreUnderTest = {
  store: LockStore;
  /** A fresh document each call (the Postgres store needs a real row for its foreign key). */
  documentId: () => Promise<string>;
};

/**
 * The LockStore contract (lib/locks/lock-store.ts), run against every implementation: the
 * Postgres one in the integration tier and each test double. Every call passes an explicit
 * `now`; a lock whose expiry is at or before `now` is absent.
 */
export const describeLockStoreContract = (name: string, makeStore: () => LockStoreUnderTest) => {
  describe(`LockStore contract: ${name}`, () => {
    const setup = async () => {
      const { store, documentId } = makeStore();

      return { store, documentId: await documentId(), newDocumentId: documentId };
    };

    describe('lock', () => {
      it('lock on an unlocked document → ok, and get returns the id', async () => {
        const { store, documentId } = await setup();
        expect(await store.lock({ documentId, lockId: 'A', now: T0 })).toEqual({ ok: true });
        expect(await store.get({ documentId, now: T0 })).toBe('A');
      });

      it('lock with the same id → ok and refreshes: held past the first expiry, until the new one', async () => {
        const { store, documentId } = await setup();
        await store.lock({ documentId, lockId: 'A', now: T0 });
        expect(await store.lock({ documentId, lockId: 'A', now: at(20 * MINUTE) })).toEqual({ ok: true });
        expect(await store.get({ documentId, now: at(LOCK_TTL_MS + MINUTE) })).toBe('A');
        expect(await store.get({ documentId, now: at(20 * MINUTE + LOCK_TTL_MS - 1) })).toBe('A');
        expect(await store.get({ documentId, now: at(20 * MINUTE + LOCK_TTL_MS) })).toBe('');
      });

      it('lock with another id → { ok: false, current } and the lock is unchanged', async () => {
        const { store, documentId } = await setup();
        await store.lock({ documentId, lockId: 'A', now: T0 });
        expect(await store.lock({ documentId, lockId: 'B', now: at(MINUTE) })).toEqual({ ok: false, current: 'A' });
        expect(await store.get({ documentId, now: at(MINUTE) })).toBe('A');
        // The failed attempt did not extend A's expiry either.
        expect(await store.get({ documentId, now: at(LOCK_TTL_MS) })).toBe('');
      });

      it('locks belong to one document: another document stays unlocked', async () => {
        const { store, documentId, newDocumentId } = await setup();
        const other = await newDocumentId();
        await store.lock({ documentId, lockId: 'A', now: T0 });
        expect(await store.get({ documentId: other, now: T0 })).toBe('');
        expect(await store.lock({ documentId: other, lockId: 'B', now: T0 })).toEqual({ ok: true });
        expect(await store.get({ documentId, now: T0 })).toBe('A');
      });
    });

    describe('expiry (absent when expiresAt <= now)', () => {
      it('one millisecond before the TTL the lock is held; at the TTL get returns ""', async () => {
        const { store, documentId } = await setup();
        await store.lock({ documentId, lockId: 'A', now: T0 });
        expect(await store.get({ documentId, now: at(LOCK_TTL_MS - 1) })).toBe('A');
        expect(await store.get({ documentId, now: at(LOCK_TTL_MS) })).toBe('');
      });

      it('an expired lock → lock by another id succeeds', async () => {
        const { store, documentId } = await setup();
        await store.lock({ documentId, lockId: 'A', now: T0 });
        expect(await store.lock({ documentId, lockId: 'B', now: at(LOCK_TTL_MS) })).toEqual({ ok: true });
        expect(await store.get({ documentId, now: at(LOCK_TTL_MS) })).toBe('B');
        // B's expiry runs from its own LOCK, not from A's.
        expect(await store.get({ documentId, now: at(2 * LOCK_TTL_MS - 1) })).toBe('B');
      });

      it('an expired lock → lock by the same id succeeds with a fresh expiry', async () => {
        const { store, documentId } = await setup();
        await store.lock({ documentId, lockId: 'A', now: T0 });
        expect(await store.lock({ documentId, lockId: 'A', now: at(31 * MINUTE) })).toEqual({ ok: true });
        expect(await store.get({ documentId, now: at(31 * MINUTE + LOCK_TTL_MS - 1) })).toBe('A');
      });

      it('an expired lock → unlock with its id fails with current ""', async () => {
        const { store, documentId } = await setup();
        await store.lock({ documentId, lockId: 'A', now: T0 });
        expect(await store.unlock({ documentId, lockId: 'A', now: at(31 * MINUTE) })).toEqual({
          ok: false,
          current: '',
        });
      });

      it('an expired lock → refresh with its id fails with current "" and does not revive it', async () => {
        const { store, documentId } = await setup();
        await store.lock({ documentId, lockId: 'A', now: T0 });
        expect(await store.refresh({ documentId, lockId: 'A', now: at(31 * MINUTE) })).toEqual({
          ok: false,
          current: '',
        });
        expect(await store.get({ documentId, now: at(31 * MINUTE) })).toBe('');
      });

      it('an expired lock → unlockAndRelock from it fails with current ""', async () => {
        const { store, documentId } = await setup();
        await store.lock({ documentId, lockId: 'A', now: T0 });
        expect(await store.unlockAndRelock({ documentId, oldLockId: 'A', lockId: 'B', now: at(31 * MINUTE) })).toEqual({
          ok: false,
          current: '',
        });
        expect(await store.get({ documentId, now: at(31 * MINUTE) })).toBe('');
      });
    });

    describe('unlock', () => {
      it('unlock with the current id → ok, then get returns ""', async () => {
        const { store, documentId } = await setup();
        await store.lock({ documentId, lockId: 'A', now: T0 });
        expect(await store.unlock({ documentId, lockId: 'A', now: at(MINUTE) })).toEqual({ ok: true });
        expect(await store.get({ documentId, now: at(MINUTE) })).toBe('');
        expect(await store.lock({ documentId, lockId: 'B', now: at(MINUTE) })).toEqual({ ok: true });
      });

      it('unlock with a wrong id → { ok: false, current } and the lock stays', async () => {
        const { store, documentId } = await setup();
        await store.lock({ documentId, lockId: 'A', now: T0 });
        expect(await store.unlock({ documentId, lockId: 'B', now: at(MINUTE) })).toEqual({ ok: false, current: 'A' });
        expect(await store.get({ documentId, now: at(MINUTE) })).toBe('A');
      });

      it('unlock on an unlocked document → { ok: false, current: "" }', async () => {
        const { store, documentId } = await setup();
        expect(await store.unlock({ documentId, lockId: 'A', now: T0 })).toEqual({ ok: false, current: '' });
      });
    });

    describe('refresh', () => {
      it('refresh with the current id → ok and extends the expiry from now', async () => {
        const { store, documentId } = await setup();
        await store.lock({ documentId, lockId: 'A', now: T0 });
        expect(await store.refresh({ documentId, lockId: 'A', now: at(10 * MINUTE) })).toEqual({ ok: true });
        expect(await store.get({ documentId, now: at(LOCK_TTL_MS + MINUTE) })).toBe('A');
        expect(await store.get({ documentId, now: at(10 * MINUTE + LOCK_TTL_MS) })).toBe('');
      });

      it('refresh with another id → { ok: false, current } and does not extend', async () => {
        const { store, documentId } = await setup();
        await store.lock({ documentId, lockId: 'A', now: T0 });
        expect(await store.refresh({ documentId, lockId: 'B', now: at(10 * MINUTE) })).toEqual({
          ok: false,
          current: 'A',
        });
        expect(await store.get({ documentId, now: at(LOCK_TTL_MS) })).toBe('');
      });

      it('refresh on an unlocked document → { ok: false, current: "" } and takes no lock', async () => {
        const { store, documentId } = await setup();
        expect(await store.refresh({ documentId, lockId: 'A', now: T0 })).toEqual({ ok: false, current: '' });
        expect(await store.get({ documentId, now: T0 })).toBe('');
      });
    });

    describe('unlockAndRelock', () => {
      it('with the right old id → ok; the new id is held with a fresh expiry', async () => {
        const { store, documentId } = await setup();
        await store.lock({ documentId, lockId: 'A', now: T0 });
        expect(await store.unlockAndRelock({ documentId, oldLockId: 'A', lockId: 'B', now: at(10 * MINUTE) })).toEqual({
          ok: true,
        });
        expect(await store.get({ documentId, now: at(10 * MINUTE) })).toBe('B');
        expect(await store.get({ documentId, now: at(10 * MINUTE + LOCK_TTL_MS - 1) })).toBe('B');
        expect(await store.unlock({ documentId, lockId: 'A', now: at(11 * MINUTE) })).toEqual({
          ok: false,
          current: 'B',
        });
      });

      it('with a wrong old id → { ok: false, current } and the lock is unchanged', async () => {
        const { store, documentId } = await setup();
        await store.lock({ documentId, lockId: 'A', now: T0 });
        expect(await store.unlockAndRelock({ documentId, oldLockId: 'X', lockId: 'B', now: at(MINUTE) })).toEqual({
          ok: false,
          current: 'A',
        });
        expect(await store.get({ documentId, now: at(MINUTE) })).toBe('A');
      });

      it('on an unlocked document → { ok: false, current: "" } and takes no lock', async () => {
        const { store, documentId } = await setup();
        expect(await store.unlockAndRelock({ documentId, oldLockId: 'A', lockId: 'B', now: T0 })).toEqual({
          ok: false,
          current: '',
        });
        expect(await store.get({ documentId, now: T0 })).toBe('');
      });
    });

    describe('get', () => {
      it('get on a never-locked document → ""', async () => {
        const { store, documentId } = await setup();
        expect(await store.get({ documentId, now: T0 })).toBe('');
      });
    });

    describe('lock ids', () => {
      it.each([
        ['1024 characters', 'x'.repeat(LOCK_ID_MAX_LENGTH - 1) + 'y'],
        ['unicode (accents, CJK, emoji, RTL)', 'Lock – Résumé 文档 🔒 قفل'],
        ['JSON, as Office sends', '{"S":"6f1b4f1e-7e3a-4a4b-9b9b-2d0c3f7b0a11","F":4,"E":2}'],
        ['SQL-looking', 'A\'); DELETE FROM "Lock"; --'],
      ])('a lock id of %s round-trips through lock, get, mismatch and unlock', async (_label, lockId) => {
        const { store, documentId } = await setup();
        expect(await store.lock({ documentId, lockId, now: T0 })).toEqual({ ok: true });
        expect(await store.get({ documentId, now: T0 })).toBe(lockId);
        expect(await store.lock({ documentId, lockId: 'other', now: T0 })).toEqual({ ok: false, current: lockId });
        expect(await store.lock({ documentId, lockId, now: T0 })).toEqual({ ok: true });
        expect(await store.unlock({ documentId, lockId, now: T0 })).toEqual({ ok: true });
      });

      it('ids differing only in case or trailing space are different locks', async () => {
        const { store, documentId } = await setup();
        await store.lock({ documentId, lockId: 'abc', now: T0 });
        expect(await store.lock({ documentId, lockId: 'ABC', now: T0 })).toEqual({ ok: false, current: 'abc' });
        expect(await store.unlock({ documentId, lockId: 'abc ', now: T0 })).toEqual({ ok: false, current: 'abc' });
      });
    });

    describe('concurrency', () => {
      it('50 parallel lock() calls with different ids → exactly one ok; every failure names the winner', async () => {
        const { store, documentId } = await setup();
        const ids = Array.from({ length: 50 }, (_, i) => `lock-${i}`);
        const outcomes = await Promise.all(ids.map((lockId) => store.lock({ documentId, lockId, now: T0 })));
        const winners = ids.filter((_, i) => outcomes[i]!.ok);
        expect(winners).toHaveLength(1);
        const winner = winners[0]!;
        for (const outcome of outcomes) if (!outcome.ok) expect(outcome.current).toBe(winner);
        expect(await store.get({ documentId, now: T0 })).toBe(winner);
      });

      it('50 parallel lock() calls on an expired lock → exactly one takes it over', async () => {
        const { store, documentId } = await setup();
        await store.lock({ documentId, lockId: 'old', now: T0 });
        const later = at(LOCK_TTL_MS + MINUTE);
        const ids = Array.from({ length: 50 }, (_, i) => `lock-${i}`);
        const outcomes = await Promise.all(ids.map((lockId) => store.lock({ documentId, lockId, now: later })));
        const winners = ids.filter((_, i) => outcomes[i]!.ok);
        expect(winners).toHaveLength(1);
        for (const outcome of outcomes) if (!outcome.ok) expect(outcome.current).toBe(winners[0]);
      });

      it('parallel unlockAndRelock from the same old id → exactly one wins', async () => {
        const { store, documentId } = await setup();
        await store.lock({ documentId, lockId: 'A', now: T0 });
        const ids = Array.from({ length: 20 }, (_, i) => `next-${i}`);
        const outcomes = await Promise.all(
          ids.map((lockId) => store.unlockAndRelock({ documentId, oldLockId: 'A', lockId, now: T0 })),
        );
        const winners = ids.filter((_, i) => outcomes[i]!.ok);
        expect(winners).toHaveLength(1);
        for (const outcome of outcomes) if (!outcome.ok) expect(outcome.current).toBe(winners[0]);
      });
    });
  });
};
