import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createWhole } from '@/lib/embedded/files';

/** Secrets generated on first start and kept in DATA_DIR so restarts keep sessions and data. */
export type LocalSecrets = {
  authSecret: string;
  wopiTokenSecret: string;
  postgresPassword: string;
};

const generate = (): LocalSecrets => ({
  authSecret: randomBytes(32).toString('base64url'),
  wopiTokenSecret: randomBytes(32).toString('base64url'),
  postgresPassword: randomBytes(18).toString('base64url'),
});

const readSecrets = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as Partial<LocalSecrets>;

/**
 * DATA_DIR/secrets.json, created on first use (mode 600). Two processes starting at once on a
 * fresh DATA_DIR (`npm start` and a CLI run) agree on one set: it is created whole
 * (createWhole), and the loser reads the winner's. A reader never sees it empty or half written. Throws what the file
 * system throws, and a SyntaxError for a file that is not JSON.
 */
export const loadOrCreateSecrets = async (dataDir: string): Promise<LocalSecrets> => {
  const file = path.join(dataDir, 'secrets.json');
  try {
    return { ...generate(), ...(await readSecrets(file)) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secrets = generate();
  await mkdir(dataDir, { recursive: true });
  if (!(await createWhole(file, JSON.stringify(secrets, null, 2))))
    return { ...generate(), ...(await readSecrets(file)) };

  return secrets;
};

/** Secrets the environment leaves unset come from DATA_DIR (fine for one instance; set them for several). */
export const secretOverrides = async (options: {
  dataDir: string;
  authSecret?: string;
  wopiTokenSecret?: string;
}): Promise<Record<string, string>> => {
  if (options.authSecret && options.wopiTokenSecret) return {};
  const secrets = await loadOrCreateSecrets(options.dataDir);

  return {
    ...(options.authSecret ? {} : { AUTH_SECRET: secrets.authSecret }),
    ...(options.wopiTokenSecret ? {} : { WOPI_TOKEN_SECRET: secrets.wopiTokenSecret }),
  };
};
