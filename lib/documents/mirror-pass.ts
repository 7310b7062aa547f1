import { sql } from '@/lib/db';
import { isMirrorSuspect, settleMirror, type StagedBlobs } from '@/lib/documents/mirror';
import { env } from '@/lib/env';
import { log } from '@/lib/log';
import { internalKey } from '@/lib/storage/keys';
import { listPage } from '@/lib/storage/objects';

const REPORTED_MAX = 100;

type Row = { id: string; key: string; contentKey: string; etag: string | null; size: string };

export type MirrorPassReport = {
  /** Rows whose visible object still awaited its copy of the committed content (completed). */
  pending: number;
  checked: number;
  inSync: number;
  repaired: number;
  adopted: number;
  documents: { id: string; key: string; verdict: string; action: string }[];
};

const PENDING_PAGE = 500;

/**
 * First, every row whose mirror copy is pending (a crash or a failure cut it short, or it is
 * under way in another instance: then settling waits for it and finds nothing left to do) is
 * completed. Then it compares every visible document's mirror with its row, folder by folder (ListObjectsV2 with a
 * delimiter, ≤1000 keys a page, the portal's own .wopi/ area skipped), and settles the ones that
 * differ under their row lock (lib/documents/mirror.ts): torn or uncommitted → repaired, changed
 * by another tool → adopted. A mirror that is missing is left to reconciliation.
 */
export const repairMirrors = async ({
  staged,
  now,
  dryRun,
  signal,
}: {
  staged: StagedBlobs;
  now: Date;
  dryRun: boolean;
  signal?: AbortSignal;
}): Promise<MirrorPassReport> => {
  const report: MirrorPassReport = { pending: 0, checked: 0, inSync: 0, repaired: 0, adopted: 0, documents: [] };
  const record = (row: { id: string; key: string }, settled: Awaited<ReturnType<typeof settleMirror>>) => {
    if (settled.action === 'repaired') report.repaired++;
    else if (settled.action === 'adopted') report.adopted++;
    else if (settled.verdict !== 'pending') report.inSync++;
    if (settled.verdict !== 'in-sync' && settled.verdict !== 'gone' && report.documents.length < REPORTED_MAX)
      report.documents.push({ id: row.id, key: row.key, verdict: settled.verdict, action: settled.action });
  };
  const settle = (row: { id: string }) =>
    settleMirror(row.id, { staged, now, dryRun, via: 'janitor' }).catch((error: unknown) => {
      log.warn({ err: error, documentId: row.id }, 'mirror not settled');

      return null;
    });
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    signal?.throwIfAborted();
    const { rows } = await sql<{ id: string; key: string }>(
      // Only this portal's documents (S3_PREFIX): the janitor lock, and every key it judges, are per prefix.
      `SELECT id, key FROM "Document"
        WHERE "mirrorPendingSince" IS NOT NULL AND "deletedAt" IS NULL AND id > $1::uuid AND left(key, length($2)) = $2
        ORDER BY id LIMIT ${PENDING_PAGE}`,
      [after, env.S3_PREFIX],
    );
    for (const row of rows) {
      const settled = await settle(row);
      if (!settled) continue;
      if (settled.verdict === 'pending') report.pending++;
      record(row, settled);
    }
    if (rows.length < PENDING_PAGE) break;
    after = rows.at(-1)!.id;
  }
  const internal = internalKey('');
  const folders = [env.S3_PREFIX];
  while (folders.length > 0) {
    const prefix = folders.pop()!;
    let token: string | undefined;
    do {
      signal?.throwIfAborted();
      const page = await listPage({ prefix, delimiter: '/', continuationToken: token });
      folders.push(...page.prefixes.filter((sub) => sub !== internal));
      const byKey = new Map(page.objects.map((object) => [object.key, object]));
      const { rows } = await sql<Row>(
        `SELECT id, key, "contentKey", etag, size::text AS size FROM "Document"
          WHERE key = ANY($1) AND "deletedAt" IS NULL AND "missingSince" IS NULL`,
        [[...byKey.keys()]],
      );
      for (const row of rows) {
        report.checked++;
        const object = byKey.get(row.key)!;
        if (!isMirrorSuspect({ ...row, size: BigInt(row.size) }, object, staged)) {
          report.inSync++;
          continue;
        }
        const settled = await settle(row);
        if (settled) record(row, settled);
      }
      token = page.next;
    } while (token);
  }

  return report;
};
