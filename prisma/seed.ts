import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { uploadDocument } from '@/lib/documents/write';
import { env } from '@/lib/env';
import { SAMPLE_DOCUMENTS } from '@/lib/samples/generate';
import { countUsers, createUser } from '@/lib/users/users';

export type SeededCredentials = { email: string; password: string; role: string; generated: boolean }[];

const CREDENTIALS_FILE = 'initial-credentials.json';

const password = (given: string | undefined) => ({
  value: given ?? randomBytes(12).toString('base64url'),
  generated: !given,
});

/**
 * First start only (no users yet): an admin, a regular user and the sample documents.
 * Generated passwords are written once to DATA_DIR/initial-credentials.json (mode 600).
 */
export const seedIfEmpty = async ({ log }: { log: (line: string) => void }): Promise<SeededCredentials | null> => {
  if ((await countUsers()) > 0) return null;
  const adminPassword = password(env.SEED_ADMIN_PASSWORD);
  const userPassword = password(env.SEED_USER_PASSWORD);
  const admin = await createUser({
    email: env.SEED_ADMIN_EMAIL,
    name: 'Administrator',
    password: adminPassword.value,
    role: 'admin',
  });
  await createUser({ email: env.SEED_USER_EMAIL, name: 'Demo User', password: userPassword.value, role: 'editor' });
  const credentials: SeededCredentials = [
    { email: env.SEED_ADMIN_EMAIL, password: adminPassword.value, role: 'admin', generated: adminPassword.generated },
    { email: env.SEED_USER_EMAIL, password: userPassword.value, role: 'editor', generated: userPassword.generated },
  ];
  await writeFile(
    path.join(path.resolve(env.DATA_DIR), CREDENTIALS_FILE),
    `${JSON.stringify(credentials, null, 2)}\n`,
    { mode: 0o600 },
  );

  if (env.SEED_SAMPLE_DOCUMENTS) {
    for (const sample of SAMPLE_DOCUMENTS) {
      await uploadDocument({
        folder: sample.folder,
        name: sample.name,
        body: Readable.from([Buffer.from(sample.bytes())]),
        userId: admin.id,
        onConflict: 'fail',
        maxBytes: env.MAX_UPLOAD_BYTES,
      }).catch((error: unknown) => {
        // A bucket that already holds this name (shared with another tool) keeps its object.
        log(
          `Sample ${sample.folder}/${sample.name} skipped: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
    }
  }

  return credentials;
};

export const credentialsFile = () => path.join(path.resolve(env.DATA_DIR), CREDENTIALS_FILE);
