import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '@/lib/embedded/migrate';
import { freePort } from '../../support/ports';

let dataDir: string;
let blocker: Server;
let port: number;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'wopi-start-'));
  await chmod(dataDir, 0o755);
  port = await freePort();
  blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => blocker.close(resolve));
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start (scripts/start.ts)', () => {
  it('PORT already in use → one clear line and exit 1, before any service starts or a password is printed', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        HOST: '127.0.0.1',
        PORT: String(port),
        EMBEDDED_PG_PORT: String(await freePort()),
        EMBEDDED_S3_PORT: String(await freePort()),
        DATABASE_URL: '',
        S3_ENDPOINT: '',
        SKIP_DOTENV: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));

    expect(code).toBe(1);
    expect(output).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    expect(output).not.toMatch(/Portal ready|password|Embedded Postgres on|Embedded S3 server on/i);
  });
});
