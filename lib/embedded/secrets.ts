import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

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

export const loadOrCreateSecrets = async (dataDir: string): Promise<LocalSecrets> => {
  const file = path.join(dataDir, 'secrets.json');
  try {
    return { ...generate(), ...(JSON.parse(await readFile(file, 'utf8')) as Partial<LocalSecrets>) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secrets = generate();
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });

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
