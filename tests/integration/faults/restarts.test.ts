import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRuntime } from '@/lib/embedded/services';
import { addDocument, uniqueFolder } from '../../support/documents';
import { makeUser } from '../../support/session';
import { bytesOf, tokenFor, wopi } from '../../support/wopi';
import { startPrivateServices, type PrivateServices } from './private-services';

/**
 * SIGKILL of an embedded server: the supervisor (the one `npm start` runs) brings it back, the
 * app's connection pools recover by themselves, and meanwhile WOPI answers 503, never 500.
 */
const RECOVERY_LIMIT_MS = 15_000;

let faults: PrivateServices;
let docId: string;
let token: string;
beforeAll(async () => {
  faults = await startPrivateServices({ isDurable: true });
  const user = await makeUser('editor');
  docId = (await addDocument(uniqueFolder('restarts'), 'Survivor.docx', 'still here', user.id)).id;
  token = await tokenFor(docId, user.id);
});
afterAll(async () => {
  await faults?.stop();
});

/**
 * Polls `call` every 100 ms until the supervisor has restarted the server (`isRestarted`) and
 * `call` answers 200; returns how long that took and every other status seen. (A killed
 * postmaster's backends may still answer on open connections for a moment: a 200 before the
 * restart proves nothing.)
 */
const untilOk = async (call: () => Promise<Response>, isRestarted: () => boolean) => {
  const started = performance.now();
  const statuses = new Set<number>();
  while (performance.now() - started < RECOVERY_LIMIT_MS) {
    const response = await call();
    if (response.status === 200 && isRestarted())
      return { ms: Math.round(performance.now() - started), statuses, response };
    await response.arrayBuffer();
    if (response.status !== 200) statuses.add(response.status);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no 200 within ${RECOVERY_LIMIT_MS} ms (saw ${[...statuses].join(', ')})`);
};

const measured: Record<string, number> = {};
afterAll(() => console.info(`restart figures (ms): ${JSON.stringify(measured)}`));

describe('the supervisor restarts embedded servers killed with SIGKILL', () => {
  it('Postgres killed → GET /wopi/files/:id answers 503 (never 500) until it is back, then 200 with no portal restart', async () => {
    const before = faults.postgresPid();
    expect((await wopi.checkFileInfo(docId, { token })).status).toBe(200);
    process.kill(before, 'SIGKILL');
    const { ms, statuses } = await untilOk(
      () => wopi.checkFileInfo(docId, { token }),
      () => faults.postgresPid() !== before,
    );
    measured.postgresKilledToWopi200 = ms;
    expect([...statuses].filter((status) => status !== 503)).toEqual([]);
    expect(faults.postgresPid()).not.toBe(before);
    expect(faults.lines.filter((line) => line.startsWith('Embedded Postgres'))).toEqual([
      expect.stringMatching(
        /^Embedded Postgres exited unexpectedly \(signal SIGKILL\); restarted it after \d+\.\d s \(pid \d+\)\.$/,
      ),
    ]);
    // A CLI in another shell reads the new pid from DATA_DIR/runtime.json.
    expect((await readRuntime(faults.dataDir))?.postgresPid).toBe(faults.postgresPid());
  });

  it('S3 server killed → GET /wopi/files/:id/contents answers 503 (never 500) until it is back, then the same bytes', async () => {
    const before = faults.s3Pid();
    process.kill(before, 'SIGKILL');
    const { ms, statuses, response } = await untilOk(
      () => wopi.getFile(docId, { token }),
      () => faults.s3Pid() !== before,
    );
    measured.s3KilledToGetFile200 = ms;
    expect((await bytesOf(response)).toString()).toBe('still here');
    expect([...statuses].filter((status) => status !== 503)).toEqual([]);
    expect(faults.s3Pid()).not.toBe(before);
    expect(faults.lines.filter((line) => line.startsWith('Embedded S3 server'))).toEqual([
      expect.stringMatching(
        /^Embedded S3 server exited unexpectedly \(signal SIGKILL\); restarted it after \d+\.\d s \(pid \d+\)\.$/,
      ),
    ]);
  });
});
