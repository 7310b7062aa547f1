import { db } from '@/lib/db';
import { checkBucket } from '@/lib/storage/objects';

const TIMEOUT_MS = 3000;

const withTimeout = <T>(work: Promise<T>, what: string) =>
  Promise.race([
    work,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} did not answer in ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref(),
    ),
  ]);

const probe = async (work: () => Promise<unknown>, what: string) => {
  try {
    await withTimeout(work(), what);

    return 'ok' as const;
  } catch {
    return 'unavailable' as const;
  }
};

/** Checks both dependencies in parallel; `healthy` only when both answer. */
export const checkHealth = async () => {
  const [database, storage] = await Promise.all([
    probe(() => db.$queryRaw`SELECT 1`, 'database'),
    probe(() => checkBucket(), 'storage'),
  ]);

  return { healthy: database === 'ok' && storage === 'ok', db: database, storage };
};
