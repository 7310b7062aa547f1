import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { downloadDocument } from '@/lib/api/documents/download';
import { db } from '@/lib/db';
import { isBlobKey } from '@/lib/documents/content';
import { runJanitor } from '@/lib/documents/janitor';
import { PROJECT_ROOT } from '@/lib/embedded/migrate';
import { env } from '@/lib/env';
import { documentKey } from '@/lib/storage/keys';
import { addDocument, uniqueFolder } from '../../support/documents';
import { makeUser } from '../../support/session';
import { tokenFor } from '../../support/wopi';
import { bytesOf, objectsUnder, patterned, setPrivatePrefix } from '../maintenance/helpers';

/**
 * The whole web server killed with SIGKILL at each point of a save (mid-body; right after the
 * 200, while the visible object is being rewritten in the background; at several moments around
 * the commit), then started again: every read path serves one whole committed version, never a
 * torn or mixed one and never the crashed save's bytes unless it was committed; Version matches
 * the bytes; nothing is adopted as another tool's change; a janitor run leaves the visible object
 * equal to the committed content and no staged object behind. (The report: Download
 * served 393,216 bytes of a 2 MiB document after such a crash.) The killed server is a WOPI
 * listener of its own (spawned below); the Download is read in this process (downloadDocument)
 * right after the restart, under this file's private S3_PREFIX, as the restarted process would.
 */
const prefix = setPrivatePrefix('crash');
const SIZE = 24 * 1024 * 1024;
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

type Child = { process: ChildProcess; origin: string };
let children: ChildProcess[] = [];

const startServer = () =>
  new Promise<Child>((resolve, reject) => {
    // node itself with tsx's loader (the tsx command would run the server in a child of its own,
    // which a SIGKILL of the command leaves running).
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(PROJECT_ROOT, 'tests/integration/faults/wopi-child.ts')],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, ...inject('runtimeEnv'), S3_PREFIX: prefix, LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    children.push(child);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ process: child, origin: `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}` });
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening`)));
  });

const kill = async (child: Child) => {
  if (child.process.exitCode !== null || child.process.signalCode) return;
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.kill('SIGKILL');
  await exited;
};

let userId: string;
let folder: string;
beforeEach(async () => {
  userId = (await makeUser('editor')).id;
  folder = uniqueFolder('crash');
});
afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children = [];
});

const call = async (origin: string, path: string, token: string, init: RequestInit = {}) =>
  fetch(`${origin}${path}?access_token=${encodeURIComponent(token)}`, init);

/**
 * A PutFile whose body is sent in 1 MiB chunks; `onEvent('half')` when half is sent,
 * `onEvent('answered', status)` when the answer's head arrives. Resolves with the status or
 * 'no answer' when the connection died first.
 */
const putFile = (
  origin: string,
  id: string,
  token: string,
  body: Buffer,
  onEvent: (event: 'half' | 'sent' | 'answered', status?: number) => void,
) =>
  new Promise<number | 'no answer'>((resolve) => {
    const url = new URL(`${origin}/wopi/files/${id}/contents?access_token=${encodeURIComponent(token)}`);
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        agent: false,
        headers: { 'X-WOPI-Override': 'PUT', 'X-WOPI-Lock': 'crash-lock', 'Content-Length': String(body.length) },
      },
      (res) => {
        onEvent('answered', res.statusCode);
        res.resume();
        resolve(res.statusCode!);
      },
    );
    req.on('error', () => resolve('no answer'));
    const CHUNK = 1024 * 1024;
    let offset = 0;
    const writeMore = () => {
      while (offset < body.length) {
        const chunk = body.subarray(offset, offset + CHUNK);
        offset += chunk.length;
        if (offset >= body.length / 2 && offset - chunk.length < body.length / 2) onEvent('half');
        if (!req.write(chunk)) {
          req.once('drain', writeMore);

          return;
        }
      }
      req.end();
      onEvent('sent');
    };
    writeMore();
  });

/** What every read path serves now, and what the bucket holds beyond the committed content. */
const observe = async (origin: string, id: string) => {
  const token = await tokenFor(id, userId);
  const info = (await (await call(origin, `/wopi/files/${id}`, token)).json()) as { Version: string; Size: number };
  const getFile = Buffer.from(await (await call(origin, `/wopi/files/${id}/contents`, token)).arrayBuffer());
  const download = Buffer.from(await (await downloadDocument(id)).arrayBuffer());
  const row = await db.document.findUniqueOrThrow({ where: { id }, include: { versions: true } });

  return { info, getFile, download, row };
};

type KillPoint = { label: string; when: 'half' | 'answered' | { afterSentMs: number } };

const KILL_POINTS: KillPoint[] = [
  { label: 'mid-body', when: 'half' },
  { label: 'right after the 200 (visible object being rewritten)', when: 'answered' },
  { label: 'body sent + 0 ms', when: { afterSentMs: 0 } },
  { label: 'body sent + 40 ms', when: { afterSentMs: 40 } },
  { label: 'body sent + 150 ms', when: { afterSentMs: 150 } },
];

describe('SIGKILL of the web server during PutFile, then a restart', () => {
  for (const point of KILL_POINTS) {
    it(`POST PutFile ${SIZE / 1024 / 1024} MiB, server killed ${point.label} → restarted server's CheckFileInfo/GetFile and the portal Download serve one whole committed version; janitor → visible object = it, no staged bytes left`, async () => {
      const before = patterned(2 * 1024 * 1024, 1);
      const after = patterned(SIZE, 9);
      const doc = await addDocument(folder, 'Crash.docx', before, userId);
      const key = documentKey({ folder, name: 'Crash.docx' });
      const token = await tokenFor(doc.id, userId);

      let server = await startServer();
      const lock = await call(server.origin, `/wopi/files/${doc.id}`, token, {
        method: 'POST',
        headers: { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'crash-lock' },
      });
      expect(lock.status).toBe(200);
      const killing: Promise<void>[] = [];
      const status = await putFile(server.origin, doc.id, token, after, (event) => {
        if (point.when === event) killing.push(kill(server));
        else if (typeof point.when === 'object' && event === 'sent')
          killing.push(
            new Promise((resolve) => setTimeout(resolve, (point.when as { afterSentMs: number }).afterSentMs)).then(
              () => kill(server),
            ),
          );
      });
      await Promise.all(killing);
      await kill(server);

      server = await startServer();
      const seen = await observe(server.origin, doc.id);
      const isNew = sha(seen.getFile) === sha(after);
      if (point.when === 'half') expect(isNew).toBe(false);
      if (status === 200) expect(isNew).toBe(true);
      const expected = isNew ? after : before;
      expect(sha(seen.getFile)).toBe(sha(expected));
      expect(sha(seen.download)).toBe(sha(expected));
      expect(seen.info).toMatchObject({ Version: String(isNew ? 2 : 1), Size: expected.length });
      expect(seen.row.versions.map((v) => v.details)).not.toContainEqual({ via: 'storage' });

      const report = await runJanitor({ settings: { stagingGraceSeconds: 0 } });
      expect(report.mirrors.adopted).toBe(0);
      expect(sha(await bytesOf(key))).toBe(sha(expected));
      // Every blob a row of any document references (other tests of this file share the prefix).
      const referenced = new Set([
        ...(await db.documentVersion.findMany({ select: { key: true } })).map((v) => v.key),
        ...(await db.document.findMany({ select: { contentKey: true } })).map((d) => d.contentKey),
      ]);
      const stray = (await objectsUnder(env.S3_PREFIX)).filter((o) => isBlobKey(o.key) && !referenced.has(o.key));
      expect(stray).toEqual([]);
      expect((await db.document.findUniqueOrThrow({ where: { id: doc.id } })).mirrorPendingSince).toBeNull();
      await kill(server);
    }, 60_000);
  }
});
