/**
 * The web server process `npm start` runs (bundled into .next by the build), and with `--dev`
 * the one `npm run dev` runs (through tsx, Next.js in dev mode). It owns HOST:PORT and serves
 * /wopi itself; it runs this same program again with `--next-child=<socket>` for Next.js
 * (lib/server/serve.ts explains why), a process that starts Next.js and nothing else.
 */
import { fileURLToPath } from 'node:url';
import { loadEnv } from '@/lib/env';
import { serve } from '@/lib/server/serve';
import { NEXT_CHILD_FLAG } from '@/lib/server/next-process';
import { serveNextChild } from '@/lib/server/next-child';
import { startJanitor } from '@/lib/documents/janitor';
import { mirrorsSettled } from '@/lib/documents/content';
import { withoutCoreNodeFlags } from '@/lib/server/core-node-flags';

const env = loadEnv();
const dev = process.argv.includes('--dev');
// npm start runs this from the project directory (also when bundled into .next by the build).
const dir = process.cwd();
const childSocket = process.argv
  .find((arg) => arg.startsWith(`${NEXT_CHILD_FLAG}=`))
  ?.slice(NEXT_CHILD_FLAG.length + 1);

if (childSocket) {
  await serveNextChild({ dir, dev, hostname: env.HOST, port: env.PORT, socketPath: childSocket });
} else {
  const portal = await serve({
    dir,
    hostname: env.HOST,
    port: env.PORT,
    dev,
    // This program again, the same way (tsx's loader in development, the bundle in production),
    // without the core's own heap settings: Next.js keeps V8's defaults.
    childCommand: [...withoutCoreNodeFlags(process.execArgv, env.CORE_NODE_FLAGS), fileURLToPath(import.meta.url)],
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`Listening on http://${env.HOST}:${env.PORT}\n`);
  // Maintenance in the background once listening: the start-up mirror repair, then a run every
  // JANITOR_INTERVAL_SECONDS (one instance at a time; README "Maintenance").
  const janitor = startJanitor();
  /** A stop waits this long for visible-object copies under way (the start-up repair completes the rest). */
  const MIRROR_DRAIN_MS = 10_000;
  let isStopping = false;
  const stop = () => {
    if (isStopping) return;
    isStopping = true;
    void janitor.stop();
    // WOPI saves run in this process: their background copies are the ones to wait for.
    void portal
      .close()
      .then(() => Promise.race([mirrorsSettled(), new Promise((resolve) => setTimeout(resolve, MIRROR_DRAIN_MS))]))
      .then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
