import { recordAudit } from '@/lib/audit/audit';
import { db } from '@/lib/db';
import {
  adoptStorageChangeLocked,
  COMMIT_TX_OPTIONS,
  isBlobKey,
  lockDocumentRow,
  sha256Of,
  syncMirrorLocked,
  type LockedDocument,
} from '@/lib/documents/content';
import { copyObject, headObject } from '@/lib/storage/objects';

/**
 * The mirror rule. A document whose bytes the portal wrote has two objects: the committed blob
 * (`contentKey`, immutable, what every read serves) and the mirror at its visible key, a copy for
 * other tools, made after the commit (`syncMirror` in lib/documents/content.ts). The row's `etag`
 * is the mirror's ETag as the portal last wrote or saw it. Looked at with the row locked:
 *
 * - **pending** (`mirrorPendingSince` set): the commit is done, its copy is not (under way in
 *   the background, or cut short by a crash). → completed by `syncMirrorLocked`: copied, or only
 *   recorded when the copy had landed, or adopted when another tool wrote the key meanwhile.
 *
 * - **in sync**: the mirror's ETag and size are the row's.
 * - **torn**: the ETag is the row's but the size is not. A store's ETag describes the bytes it
 *   holds, so only an in-place write that never finished disagrees with it: our own copy,
 *   killed half-way, on a store that rewrites objects in place (the embedded s3rver writes the
 *   bytes first and the ETag last). Same ETag and size with a same-size blob staged no later
 *   than the mirror was written: compared by SHA-256, torn when different. → **repaired**.
 * - **uncommitted**: another ETag, but the bytes (ETag and size; SHA-256 where the store gives
 *   copies of multipart objects a new ETag) are those of a blob the portal staged and never
 *   committed (no row references it): our copy landed, our commit did not. → **repaired**.
 * - **changed**: any other ETag: another tool wrote it. → **adopted** as a new version
 *   (`adoptStorageChangeLocked`), never overwritten.
 * - **missing**: another tool deleted it; reconciliation marks the row missing (as before).
 *
 * Repair copies `contentKey` over the visible key and records the new ETag. It loses nothing:
 * the mirror held either the committed bytes (torn) or bytes still kept in a staged blob.
 * Since commits copy only after committing, `torn` and `uncommitted` arise only from data an
 * older release wrote, or a repair copy of this rule's own cut short; uncommitted mirrors are
 * only recognised where the staged blobs are known (the janitor lists them); a reader or
 * reconciliation that meets one first adopts it.
 */
export type MirrorVerdict = 'in-sync' | 'pending' | 'torn' | 'uncommitted' | 'changed' | 'missing';

export type StagedBlob = { key: string; size: number; etag: string | undefined; lastModified: Date | undefined };

/** Blobs under .wopi/blobs/ that no row references (staged, never committed), by size. */
export type StagedBlobs = { bySize: Map<number, StagedBlob[]>; count: number; isComplete: boolean };

export const emptyStagedBlobs = (): StagedBlobs => ({ bySize: new Map(), count: 0, isComplete: true });

type Head = NonNullable<Awaited<ReturnType<typeof headObject>>>;

/** Listings and HEAD round Last-Modified to the second. */
const CLOCK_SLACK_MS = 2000;
/** At most this many same-size staged blobs are compared byte for byte against one mirror. */
const MAX_HASH_COMPARISONS = 3;

/** Staged blobs of the mirror's size written no later than the mirror (a copy of one could be it). */
const stagedBefore = (staged: StagedBlobs | undefined, mirror: { size: number; lastModified?: Date }) =>
  (staged?.bySize.get(mirror.size) ?? []).filter(
    (blob) =>
      !blob.lastModified ||
      !mirror.lastModified ||
      blob.lastModified.getTime() <= mirror.lastModified.getTime() + CLOCK_SLACK_MS,
  );

const isStagedCopy = async (row: MirrorRow, head: Head, staged: StagedBlobs | undefined) => {
  const candidates = stagedBefore(staged, head);
  if (candidates.some((blob) => blob.etag && blob.etag === head.etag)) return true;
  // A multipart blob's ETag ("…-N") is not its copy's on S3: compare the bytes.
  const multipart = candidates.filter((blob) => blob.etag?.includes('-')).slice(0, MAX_HASH_COMPARISONS);
  if (multipart.length === 0) return false;
  const mirror = await sha256Of(row.key);
  for (const blob of multipart) if ((await sha256Of(blob.key).catch(() => null)) === mirror) return true;

  return false;
};

type MirrorRow = Pick<LockedDocument, 'key' | 'contentKey' | 'etag' | 'size' | 'sha256'>;

/** Applies the rule above to a row and a HEAD of its visible key (null: no object there). */
export const classifyMirror = async (
  row: MirrorRow,
  head: Head | null,
  staged?: StagedBlobs,
): Promise<MirrorVerdict> => {
  if (!head) return 'missing';
  const isPortalWritten = row.contentKey !== row.key && isBlobKey(row.contentKey);
  if (!head.etag) return 'in-sync';
  if (!isPortalWritten) return head.etag === row.etag ? 'in-sync' : 'changed';
  if (head.etag === row.etag) {
    if (BigInt(head.size) !== row.size) return 'torn';
    // Equal sizes: only a copy of a same-size staged blob could have been cut short unseen.
    if (head.size === 0 || stagedBefore(staged, head).length === 0) return 'in-sync';
    const committed = row.sha256 ?? (await sha256Of(row.contentKey));

    return (await sha256Of(row.key)) === committed ? 'in-sync' : 'torn';
  }

  return (await isStagedCopy(row, head, staged)) ? 'uncommitted' : 'changed';
};

/** Whether a listed mirror deserves a closer look under the row lock (cheap: no request). */
export const isMirrorSuspect = (
  row: { key: string; contentKey: string; etag: string | null; size: bigint },
  object: { etag: string | undefined; size: number; lastModified?: Date },
  staged?: StagedBlobs,
) => {
  if (object.etag !== row.etag) return true;
  const isPortalWritten = row.contentKey !== row.key && isBlobKey(row.contentKey);
  if (!isPortalWritten) return false;

  return BigInt(object.size) !== row.size || (object.size > 0 && stagedBefore(staged, object).length > 0);
};

export type SettledMirror = { verdict: MirrorVerdict | 'gone'; action: 'none' | 'repaired' | 'adopted' };

/**
 * Looks at one document's mirror with its row locked and acts on the rule: repairs a torn or
 * uncommitted mirror (copies the committed blob over it), adopts another tool's change as a new
 * version. A hidden (missing) row whose object came back changed is adopted, as reconciliation
 * always did. `dryRun`: only says what it would do.
 */
export const settleMirror = async (
  id: string,
  {
    staged,
    now = new Date(),
    dryRun = false,
    via,
  }: { staged?: StagedBlobs; now?: Date; dryRun?: boolean; via: string },
): Promise<SettledMirror & { size?: number }> => {
  const settled = await db.$transaction(async (tx) => {
    const row = await lockDocumentRow(tx, { id });
    if (!row || row.deletedAt) return { verdict: 'gone' as const, action: 'none' as const };
    if (row.mirrorPendingSince && !row.missingSince) {
      if (dryRun) return { verdict: 'pending' as const, action: 'none' as const };
      const synced = await syncMirrorLocked(tx, row, now);

      return synced === 'adopted'
        ? { verdict: 'pending' as const, action: 'adopted' as const }
        : { verdict: 'pending' as const, action: 'repaired' as const, committedSize: Number(row.size) };
    }
    const head = await headObject(row.key);
    const verdict: MirrorVerdict = row.missingSince
      ? head?.etag && head.etag !== row.etag
        ? 'changed'
        : 'in-sync'
      : await classifyMirror(row, head, staged);
    const isActing = !dryRun && (verdict === 'torn' || verdict === 'uncommitted' || verdict === 'changed');
    if (!isActing) return { verdict, action: 'none' as const, size: head?.size };
    if (verdict === 'changed') {
      await adoptStorageChangeLocked(tx, row, now);

      return { verdict, action: 'adopted' as const, size: head?.size };
    }
    const { etag } = await copyObject(row.contentKey, row.key);
    await tx.document.update({ where: { id }, data: { etag, lastSeenAt: now } });

    return { verdict, action: 'repaired' as const, size: head?.size, committedSize: Number(row.size) };
  }, COMMIT_TX_OPTIONS);
  if (settled.action === 'repaired') {
    await recordAudit({
      action: 'document.mirror_repaired',
      outcome: 'success',
      documentId: id,
      details: {
        reason: settled.verdict,
        via,
        mirrorSize: settled.size ?? null,
        committedSize: settled.committedSize ?? null,
      },
    });
  }

  return settled;
};
