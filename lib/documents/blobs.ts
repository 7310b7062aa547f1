import { recordAudit } from '@/lib/audit/audit';
import { sql } from '@/lib/db';
import { emptyStagedBlobs, type StagedBlobs } from '@/lib/documents/mirror';
import { internalKey } from '@/lib/storage/keys';
import {
  abortMultipartUpload,
  deleteObjects,
  listMultipartUploadsPage,
  listPage,
  type ListedObject,
  type MultipartUpload,
} from '@/lib/storage/objects';

/** Where every write stages its bytes (lib/documents/content.ts). */
export const blobPrefix = () => internalKey('blobs', '');

/** Every object under `prefix`, one ListObjectsV2 page (≤1000 keys) at a time. */
export async function* listObjectPages(prefix: string) {
  let token: string | undefined;
  do {
    const page = await listPage({ prefix, continuationToken: token });
    yield page.objects;
    token = page.next;
  } while (token);
}

/** Which of `keys` no Document.contentKey and no DocumentVersion.key references (one statement). */
export const unreferencedKeys = async (keys: string[]) => {
  if (keys.length === 0) return new Set<string>();
  const { rows } = await sql<{ k: string }>(
    `SELECT u.k FROM unnest($1::text[]) AS u(k)
      WHERE NOT EXISTS (SELECT 1 FROM "Document" d WHERE d."contentKey" = u.k)
        AND NOT EXISTS (SELECT 1 FROM "DocumentVersion" v WHERE v.key = u.k)`,
    [keys],
  );

  return new Set(rows.map((row) => row.k));
};

/** Unreferenced blobs kept in memory at most (beyond it the index says it is incomplete). */
const STAGED_INDEX_MAX = 20_000;

/**
 * Lists the blob folder page by page and keeps the blobs no row references: uploads in flight
 * and leftovers of failed or crashed ones. They are the evidence the mirror rule needs.
 */
export const collectStagedBlobs = async () => {
  const staged: StagedBlobs = emptyStagedBlobs();
  let scanned = 0;
  for await (const objects of listObjectPages(blobPrefix())) {
    scanned += objects.length;
    const unreferenced = await unreferencedKeys(objects.map((object) => object.key));
    for (const object of objects) {
      if (!unreferenced.has(object.key)) continue;
      if (staged.count >= STAGED_INDEX_MAX) {
        staged.isComplete = false;
        continue;
      }
      const sameSize = staged.bySize.get(object.size) ?? [];
      sameSize.push({ key: object.key, size: object.size, etag: object.etag, lastModified: object.lastModified });
      staged.bySize.set(object.size, sameSize);
      staged.count++;
    }
  }

  return { staged, scanned };
};

export type Removal = { count: number; bytes: number; keys: string[] };

const REPORTED_KEYS_MAX = 100;

/**
 * Removes the staged blobs older than `before` that still no row references (checked again right
 * before deleting, a page at a time), recording one `janitor.blob_removed` event per batch.
 * Without a complete index it lists the blob folder again.
 */
export const removeStaleBlobs = async ({
  staged,
  before,
  dryRun,
}: {
  staged: StagedBlobs;
  before: Date;
  dryRun: boolean;
}): Promise<Removal> => {
  const removal: Removal = { count: 0, bytes: 0, keys: [] };
  const batches = staged.isComplete
    ? batchesOf([...staged.bySize.values()].flat(), 1000)
    : listObjectPages(blobPrefix());
  for await (const batch of batches) {
    const old = batch.filter((object) => object.lastModified && object.lastModified < before);
    const unreferenced = await unreferencedKeys(old.map((object) => object.key));
    const doomed = old.filter((object) => unreferenced.has(object.key));
    if (doomed.length === 0) continue;
    const failed = dryRun
      ? new Set<string>()
      : new Set((await deleteObjects(doomed.map((o) => o.key))).map((f) => f.key));
    const removed = doomed.filter((object) => !failed.has(object.key));
    const bytes = removed.reduce((sum, object) => sum + object.size, 0);
    removal.count += removed.length;
    removal.bytes += bytes;
    removal.keys.push(...removed.slice(0, REPORTED_KEYS_MAX - removal.keys.length).map((object) => object.key));
    if (!dryRun && removed.length > 0) {
      await recordAudit({
        action: 'janitor.blob_removed',
        outcome: 'success',
        details: { count: removed.length, bytes, keys: removed.map((object) => object.key) },
      });
    }
  }

  return removal;
};

/**
 * Aborts the multipart uploads under the portal's own area (S3_PREFIX/.wopi/) started before
 * `before` and never completed: a crashed or killed upload leaves its parts on the store until
 * then. One `janitor.upload_aborted` event per page. Other tools' uploads elsewhere are theirs.
 */
export const abortStaleUploads = async ({ before, dryRun }: { before: Date; dryRun: boolean }) => {
  const result = { count: 0, uploads: [] as { key: string; uploadId: string; initiated: string | null }[] };
  let marker: { keyMarker?: string; uploadIdMarker?: string } | undefined = {};
  while (marker) {
    const page = await listMultipartUploadsPage({ prefix: internalKey(''), ...marker });
    const stale = page.uploads.filter((upload) => upload.initiated && upload.initiated < before);
    const aborted: MultipartUpload[] = [];
    for (const upload of stale) {
      if (!dryRun) await abortMultipartUpload(upload);
      aborted.push(upload);
    }
    const described = aborted.map((upload) => ({
      key: upload.key,
      uploadId: upload.uploadId,
      initiated: upload.initiated?.toISOString() ?? null,
    }));
    result.count += aborted.length;
    result.uploads.push(...described.slice(0, REPORTED_KEYS_MAX - result.uploads.length));
    if (!dryRun && aborted.length > 0)
      await recordAudit({
        action: 'janitor.upload_aborted',
        outcome: 'success',
        details: { count: aborted.length, uploads: described },
      });
    marker = page.next;
  }

  return result;
};

function* batchesOf<T extends Pick<ListedObject, 'key' | 'size' | 'lastModified'>>(items: T[], size: number) {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}
