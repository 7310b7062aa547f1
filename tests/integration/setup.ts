import { afterAll, inject } from 'vitest';
import { disconnectDb } from '@/lib/db';
import { setRuntimeEnv } from '@/lib/env';
import { resetS3 } from '@/lib/storage/client';

setRuntimeEnv(inject('runtimeEnv'));

afterAll(async () => {
  await disconnectDb();
  resetS3();
});
