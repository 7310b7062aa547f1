import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmbeddedS3 } from '@/lib/embedded/s3';
import { env } from '@/lib/env';
import { startTierPortal } from '../../support/captured-portal';
import { sendApiCallsTo } from '../../support/portal-http';
import { freePort } from '../../support/ports';
import { apiRequest } from '../../support/users-api';

const get = (pathname: string) => apiRequest(pathname, { method: 'GET' });

describe('GET /api/health', () => {
  it('both dependencies up → 200 {"db":"ok","storage":"ok"}', async () => {
    const response = await get('/api/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ db: 'ok', storage: 'ok' });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('storage server stopped → 503 naming storage', async () => {
    // A portal of its own on an S3 server of its own, which this test stops.
    const dir = await mkdtemp(path.join(tmpdir(), 'wopi-health-'));
    const s3 = await startEmbeddedS3({ dataDir: dir, port: await freePort(), bucket: env.S3_BUCKET });
    const portal = await startTierPortal('health', [], { S3_ENDPOINT: s3.endpoint });
    try {
      sendApiCallsTo(portal.baseUrl);
      expect((await get('/api/health')).status).toBe(200);

      await s3.stop();
      const response = await get('/api/health');
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ db: 'ok', storage: 'unavailable' });
    } finally {
      sendApiCallsTo(undefined);
      await portal.stop();
      await s3.stop().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    }
  }, 240_000);

  it('GET /api/live → 200 constant JSON without touching dependencies', async () => {
    const response = await get('/api/live');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'live' });
  });
});
