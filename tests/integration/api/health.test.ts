import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GET as live } from '@/app/api/live/route';
import { GET } from '@/app/api/health/route';
import { startEmbeddedS3 } from '@/lib/embedded/s3';
import { env, setRuntimeEnv } from '@/lib/env';
import { resetS3 } from '@/lib/storage/client';
import { freePort } from '../../support/ports';

describe('GET /api/health', () => {
  const originalEndpoint = env.S3_ENDPOINT;
  afterAll(() => {
    setRuntimeEnv({ S3_ENDPOINT: originalEndpoint });
    resetS3();
  });

  it('both dependencies up → 200 {"db":"ok","storage":"ok"}', async () => {
    const response = await GET();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ db: 'ok', storage: 'ok' });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('storage server stopped → 503 naming storage', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'wopi-health-'));
    const s3 = await startEmbeddedS3({ dataDir: dir, port: await freePort(), bucket: env.S3_BUCKET });
    setRuntimeEnv({ S3_ENDPOINT: s3.endpoint });
    resetS3();
    expect((await GET()).status).toBe(200);

    await s3.stop();
    const response = await GET();
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ db: 'ok', storage: 'unavailable' });
    await rm(dir, { recursive: true, force: true });
  });

  it('GET /api/live → 200 constant JSON without touching dependencies', async () => {
    const response = live();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'live' });
  });
});
