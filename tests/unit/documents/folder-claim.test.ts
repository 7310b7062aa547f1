import { describe, expect, it } from 'vitest';
import { isSyncDue, isSyncRunning, SYNC_LEASE_MS } from '@/lib/documents/folder-claim';
import { env } from '@/lib/env';

const NOW = Date.parse('2026-11-30T12:00:00Z');

describe('Folder.syncedAt read as a claim', () => {
  it('never synced (null) → not running, due', () => {
    expect(isSyncRunning(null, NOW)).toBe(false);
    expect(isSyncDue(null, NOW)).toBe(true);
  });

  it('a first sync’s lease (in the future) → running, not due', () => {
    const lease = new Date(NOW + SYNC_LEASE_MS);
    expect(isSyncRunning(lease, NOW)).toBe(true);
    expect(isSyncDue(lease, NOW)).toBe(false);
  });

  it('synced just now → not running, not due until RECONCILE_INTERVAL_SECONDS have passed', () => {
    const interval = env.RECONCILE_INTERVAL_SECONDS * 1000;
    expect(isSyncRunning(new Date(NOW), NOW)).toBe(false);
    expect(isSyncDue(new Date(NOW - interval - 1), NOW)).toBe(true);
    if (interval > 0) expect(isSyncDue(new Date(NOW - interval + 1), NOW)).toBe(false);
  });
});
