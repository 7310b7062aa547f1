import { request as httpRequest, type IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@/lib/db';
import { setRuntimeEnv } from '@/lib/env';
import { unavailableOf } from '@/lib/errors';
import { resetS3 } from '@/lib/storage/client';
import { copyObject, headObject, putObjectStream } from '@/lib/storage/objects';
import { addDocument, uniqueFolder } from '../../support/documents';
import type { Portal } from '../../../scripts/lib/portal';
import { startTierPortal } from '../../support/captured-portal';
import { sendApiCallsTo } from '../../support/portal-http';
import { makeUser, sessionCookie } from '../../support/session';
import { apiRequest } from '../../support/users-api';
import { bytesOf, tokenFor, wopi, wopiServer } from '../../support/wopi';
import { postgresFamily, startPrivateServices, timed, whileStalled, type PrivateServices } from './private-services';

/**
 * A dependency that stops answering (SIGSTOP: the process is there, its sockets accept, nothing
 * comes back) must cost a WOPI client or a browser at most 10 s and then a 503 with
 * Retry-After, never a hang, and lose nothing. WOPI calls go to the production listener in this
 * process (tests/support/wopi.ts); portal downloads to a production portal of this file's own,
 * on the same private services.
 */
const LIMIT_MS = 10_000;
const MiB = 1024 * 1024;

let faults: PrivateServices;
let portal: Portal | undefined;
beforeAll(async () => {
  faults = await startPrivateServices({ isForPortal: true });
  portal = await startTierPortal('stalls', [], faults.services.overrides);
  sendApiCallsTo(portal.baseUrl);
}, 240_000);
afterAll(async () => {
  sendApiCallsTo(undefined);
  await portal?.stop();
  await faults?.stop();
});

const download = (docId: string, cookie: string) =>
  apiRequest(`/api/documents/${docId}/content`, { cookie, method: 'GET' });

const newDocument = async (body: string | Buffer) => {
  const user = await makeUser('editor');
  const doc = await addDocument(uniqueFolder('faults'), 'Stalled.docx', body, user.id);

  return { user, docId: doc.id, token: await tokenFor(doc.id, user.id) };
};

/** A request body that sends `first`, then waits until `release()` before sending `rest` and ending. */
const gatedBody = (first: Buffer, rest: Buffer) => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let sentFirst!: () => void;
  const firstSent = new Promise<void>((resolve) => (sentFirst = resolve));
  let step = 0;
  const body = new ReadableStream<Uint8Array>({
    pull: async (controller) => {
      step += 1;
      if (step === 1) return controller.enqueue(first);
      sentFirst();
      await released;
      controller.enqueue(rest);
      controller.close();
    },
  });

  return { body, firstSent, release };
};

const measured: Record<string, number> = {};
afterAll(() => {
  // The figures the README quotes (longest answer while stalled).
  console.info(`fault figures (ms): ${JSON.stringify(measured)}`);
});

describe('S3 stalled (SIGSTOP)', () => {
  it('POST /wopi/files/:id/contents PutFile with S3 stalled mid-body → 503 + Retry-After within 10 s; after SIGCONT GetFile returns the previous bytes and Version', async () => {
    const { docId, token } = await newDocument('committed bytes');
    expect((await wopi.override(docId, 'LOCK', { token, headers: { 'X-WOPI-Lock': 'L1' } })).status).toBe(200);
    const before = await (await wopi.checkFileInfo(docId, { token })).json();

    const { body, firstSent, release } = gatedBody(Buffer.alloc(MiB, 1), Buffer.alloc(2 * MiB, 2));
    const put = wopi.putFile(docId, { token, headers: { 'X-WOPI-Lock': 'L1' }, body });
    await firstSent;
    const { result: response, ms } = await whileStalled([faults.s3Pid()], () =>
      timed(async () => {
        release();

        return put;
      }),
    );
    measured.putFileS3Stalled = ms;
    expect(response.status).toBe(503);
    expect(response.headers.get('Retry-After')).toBe('5');
    expect(ms).toBeLessThan(LIMIT_MS);

    const get = await wopi.getFile(docId, { token });
    expect(get.status).toBe(200);
    expect(get.headers.get('X-WOPI-ItemVersion')).toBe(String(before.Version));
    expect((await bytesOf(get)).toString()).toBe('committed bytes');
    expect((await (await wopi.checkFileInfo(docId, { token })).json()).Version).toBe(before.Version);
  });

  it('POST /wopi/files/:id/contents PutFile of 14 MiB (multipart) with S3 stalled mid-body → answered within 10 s, previous bytes and Version kept', async () => {
    const { docId, token } = await newDocument('committed bytes');
    expect((await wopi.override(docId, 'LOCK', { token, headers: { 'X-WOPI-Lock': 'L1' } })).status).toBe(200);
    const before = await (await wopi.checkFileInfo(docId, { token })).json();

    // Past the first 5 MiB part, so the stall hits an UploadPart with more body still to come.
    // Its own connection (closed afterwards): the server answers before reading the whole body,
    // and what that does to a kept-alive connection is not the point here.
    const { origin } = await wopiServer();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const put = new Promise<number>((resolve, reject) => {
      const request = httpRequest(`${origin}/wopi/files/${docId}/contents?access_token=${encodeURIComponent(token)}`, {
        method: 'POST',
        agent: false,
        headers: { 'X-WOPI-Override': 'PUT', 'X-WOPI-Lock': 'L1', Connection: 'close' },
      });
      request.once('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
        request.destroy();
      });
      request.once('error', reject);
      request.write(Buffer.alloc(7 * MiB, 1));
      void released.then(() => request.end(Buffer.alloc(7 * MiB, 2)));
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { result: status, ms } = await whileStalled([faults.s3Pid()], () =>
      timed(async () => {
        release();

        return put;
      }),
    );
    measured.multipartPutFileS3Stalled = ms;
    expect(ms).toBeLessThan(LIMIT_MS);
    // putObjectStream rethrows the upload's storage error, not the AbortError lib-storage leaves
    // on its metering stream when it stops reading the body.
    expect(status).toBe(503);

    const get = await wopi.getFile(docId, { token });
    expect(get.headers.get('X-WOPI-ItemVersion')).toBe(String(before.Version));
    expect((await bytesOf(get)).toString()).toBe('committed bytes');
  });

  it('GET /wopi/files/:id/contents GetFile and GET /wopi/files/:id CheckFileInfo with S3 stalled → 503 within 10 s; 200 after SIGCONT', async () => {
    const { docId, token } = await newDocument('readable');
    await whileStalled([faults.s3Pid()], async () => {
      for (const [name, call] of [
        ['getFileS3Stalled', () => wopi.getFile(docId, { token })],
        ['checkFileInfoS3Stalled', () => wopi.checkFileInfo(docId, { token })],
      ] as const) {
        const { result, ms } = await timed(call);
        measured[name] = ms;
        expect(result.status).toBe(503);
        expect(result.headers.get('Retry-After')).toBe('5');
        expect(ms).toBeLessThan(LIMIT_MS);
      }
    });
    expect((await bytesOf(await wopi.getFile(docId, { token }))).toString()).toBe('readable');
  });

  it('GET /api/documents/:id/content (portal download) with S3 stalled → 503 JSON + Retry-After within 10 s', async () => {
    const { user, docId } = await newDocument('download me');
    const cookie = await sessionCookie(user);
    await whileStalled([faults.s3Pid()], async () => {
      const { result, ms } = await timed(() => download(docId, cookie));
      measured.downloadS3Stalled = ms;
      expect(result.status).toBe(503);
      expect(result.headers.get('Retry-After')).toBe('5');
      expect((await result.json()).error.code).toBe('storage_unavailable');
      expect(ms).toBeLessThan(LIMIT_MS);
    });
  });
});

/** Reads a GetFile over its own connection; `onProgress` may pause it. Resolves how it ended. */
const readGetFile = async (
  docId: string,
  token: string,
  onProgress: (got: number, response: IncomingMessage) => void,
) => {
  const { origin } = await wopiServer();

  return new Promise<{ ending: string; got: number }>((resolve) => {
    const request = httpRequest(`${origin}/wopi/files/${docId}/contents?access_token=${encodeURIComponent(token)}`, {
      agent: false,
    });
    request.once('response', (response) => {
      let got = 0;
      response.on('data', (chunk: Buffer) => {
        got += chunk.length;
        onProgress(got, response);
      });
      response.once('end', () => resolve({ ending: response.complete ? 'complete' : 'incomplete', got }));
      response.once('aborted', () => resolve({ ending: 'aborted', got }));
      response.once('error', () => resolve({ ending: 'aborted', got }));
    });
    request.once('error', () => resolve({ ending: 'error', got: 0 }));
    request.end();
  });
};

describe('GetFile bodies: the server falling silent ends them, a slow reader does not', () => {
  it('GET /wopi/files/:id/contents read with an 8 s pause mid-body (longer than S3_REQUEST_TIMEOUT_MS) → the whole document', async () => {
    const { docId, token } = await newDocument(Buffer.alloc(48 * MiB, 5));
    let isPaused = false;
    const { ending, got } = await readGetFile(docId, token, (received, response) => {
      if (isPaused || received < 4 * MiB) return;
      isPaused = true;
      response.pause();
      setTimeout(() => response.resume(), 8000);
    });
    expect({ ending, got }).toEqual({ ending: 'complete', got: 48 * MiB });
  });

  it('GET /wopi/files/:id/contents with S3 stalled mid-body → the connection ends within 10 s (the 200 was sent already)', async () => {
    const { docId, token } = await newDocument(Buffer.alloc(60 * MiB, 6));
    let stalledAt = 0;
    let resume = () => {};
    const stalled = new Promise<void>((resolve) => (resume = resolve));
    const reading = readGetFile(docId, token, (received) => {
      if (stalledAt || received < 4 * MiB) return;
      stalledAt = performance.now();
      resume();
    });
    await stalled;
    const { result, ms } = await whileStalled([faults.s3Pid()], () => timed(() => reading));
    measured.getFileBodyS3Stalled = ms;
    expect(result.ending).not.toBe('complete');
    expect(result.got).toBeLessThan(60 * MiB);
    expect(ms).toBeLessThan(LIMIT_MS);
  });
});

describe('server-side copies: silence is work, not a stall, while the endpoint answers', () => {
  it('CompleteMultipartUpload and CopyObject of 512 MiB, each silent for longer than S3_REQUEST_TIMEOUT_MS (200 ms), complete', async () => {
    setRuntimeEnv({ S3_REQUEST_TIMEOUT_MS: '200' });
    resetS3();
    try {
      const key = `faults/${randomUUID()}`;
      const part = Buffer.alloc(MiB, 7);
      const stored = await putObjectStream({
        key,
        body: Readable.from(
          (function* () {
            for (let i = 0; i < 512; i++) yield part;
          })(),
        ),
        maxBytes: 1024 * MiB,
      });
      expect(stored.size).toBe(512 * MiB);
      const { ms } = await timed(() => copyObject(key, `${key}-copy`));
      measured.copy512MiBWith200msTimeout = ms;
      expect(ms).toBeGreaterThan(200); // longer than the timeout, or this proves nothing
      expect((await headObject(`${key}-copy`))?.size).toBe(512 * MiB);
    } finally {
      setRuntimeEnv({ S3_REQUEST_TIMEOUT_MS: undefined });
      resetS3();
    }
  });

  it('CopyObject with S3 stalled → storage unavailable within 10 s (its probe gets no answer)', async () => {
    const key = `faults/${randomUUID()}`;
    await putObjectStream({ key, body: Readable.from([Buffer.from('copy me')]), maxBytes: MiB });
    await whileStalled([faults.s3Pid()], async () => {
      const started = performance.now();
      const error = await copyObject(key, `${key}-copy`).catch((e: unknown) => e);
      measured.copyS3Stalled = Math.round(performance.now() - started);
      expect(unavailableOf(error)?.dependency).toBe('storage');
      expect(measured.copyS3Stalled).toBeLessThan(LIMIT_MS);
    });
  });
});

describe('Postgres stalled (SIGSTOP of the postmaster and its backends)', () => {
  it('POST /wopi/files/:id LOCK with Postgres stalled mid-request → 503 + Retry-After within 10 s; LOCK works after SIGCONT (no restart)', async () => {
    const { docId, token } = await newDocument('lock me');
    // Warm the pool: the stall then catches queries on open connections, not only new ones.
    await Promise.all(Array.from({ length: 5 }, () => sql('SELECT 1')));
    const family = postgresFamily(faults.postgresPid());
    await whileStalled(family, async () => {
      const lock = await timed(() => wopi.override(docId, 'LOCK', { token, headers: { 'X-WOPI-Lock': 'L2' } }));
      measured.lockPostgresStalled = lock.ms;
      expect(lock.result.status).toBe(503);
      expect(lock.result.headers.get('Retry-After')).toBe('5');
      expect(lock.ms).toBeLessThan(LIMIT_MS);

      const info = await timed(() => wopi.checkFileInfo(docId, { token }));
      measured.checkFileInfoPostgresStalled = info.ms;
      expect(info.result.status).toBe(503);
      expect(info.ms).toBeLessThan(LIMIT_MS);
    });
    // Whether the stalled LOCK landed once Postgres continued is unknown to the client (it got a
    // 503); the same lock id again is a LOCK or a refresh: 200 either way.
    const again = await timed(() => wopi.override(docId, 'LOCK', { token, headers: { 'X-WOPI-Lock': 'L2' } }));
    measured.lockAfterSigcont = again.ms;
    expect(again.result.status).toBe(200);
    const got = await wopi.override(docId, 'GET_LOCK', { token });
    expect(got.headers.get('X-WOPI-Lock')).toBe('L2');
  });

  it('20 LOCKs at once with Postgres stalled → every one 503 within 10 s (connection waits are bounded too)', async () => {
    const { docId, token } = await newDocument('busy');
    const family = postgresFamily(faults.postgresPid());
    await whileStalled(family, async () => {
      const { result: responses, ms } = await timed(() =>
        Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            wopi.override(docId, 'LOCK', { token, headers: { 'X-WOPI-Lock': `L-${i}` } }),
          ),
        ),
      );
      measured.twentyLocksPostgresStalled = ms;
      expect(responses.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 503));
      expect(ms).toBeLessThan(LIMIT_MS);
    });
    expect((await wopi.override(docId, 'LOCK', { token, headers: { 'X-WOPI-Lock': 'after' } })).status).toBe(200);
  });

  it('POST /wopi/files/:id/contents PutFile whose commit statement is queued behind a stalled Postgres → 503 within 10 s; after SIGCONT the late statement changed nothing (previous bytes and Version)', async () => {
    const { docId, token } = await newDocument('committed bytes');
    expect((await wopi.override(docId, 'LOCK', { token, headers: { 'X-WOPI-Lock': 'L1' } })).status).toBe(200);
    const before = await (await wopi.checkFileInfo(docId, { token })).json();

    // The context lookup runs while the first chunk is sent; the commit only after the body ends.
    const { body, firstSent, release } = gatedBody(Buffer.alloc(64 * 1024, 1), Buffer.alloc(64 * 1024, 2));
    const put = wopi.putFile(docId, { token, headers: { 'X-WOPI-Lock': 'L1' }, body });
    await firstSent;
    await new Promise((resolve) => setTimeout(resolve, 500));
    await whileStalled(postgresFamily(faults.postgresPid()), async () => {
      const { result, ms } = await timed(async () => {
        release();

        return put;
      });
      measured.putFileCommitPostgresStalled = ms;
      expect(result.status).toBe(503);
      expect(ms).toBeLessThan(LIMIT_MS);
    });
    // The statement still on the wire runs now (lib/db.ts lateGate): give it time to, then look.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const get = await wopi.getFile(docId, { token });
    expect(get.status).toBe(200);
    expect(get.headers.get('X-WOPI-ItemVersion')).toBe(String(before.Version));
    expect((await bytesOf(get)).toString()).toBe('committed bytes');
    expect((await (await wopi.checkFileInfo(docId, { token })).json()).Version).toBe(before.Version);
  });

  it('GET /api/documents/:id/content with Postgres stalled → 503 JSON + Retry-After within 10 s', async () => {
    const { user, docId } = await newDocument('download me');
    const cookie = await sessionCookie(user);
    await whileStalled(postgresFamily(faults.postgresPid()), async () => {
      const { result, ms } = await timed(() => download(docId, cookie));
      measured.downloadPostgresStalled = ms;
      expect(result.status).toBe(503);
      expect(result.headers.get('Retry-After')).toBe('5');
      expect((await result.json()).error.code).toBe('database_unavailable');
      expect(ms).toBeLessThan(LIMIT_MS);
    });
  });
});
