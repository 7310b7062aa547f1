/**
 * The web server process `npm start` runs (Next.js plus the WOPI core; bundled into .next by the
 * build), and with `--dev` the one `npm run dev` runs (through tsx, Next.js in dev mode).
 */
import { loadEnv } from '@/lib/env';
import { serve } from '@/lib/server/serve';
import { startJanitor } from '@/lib/documents/janitor';
import { mirrorsSettled } from '@/lib/documents/content';

const env = loadEnv();
const dev = process.argv.includes('--dev');
// npm start runs this from the project directory (also when bundled into .next by the build).
const server = await serve({ dir: process.cwd(), hostname: env.HOST, port: env.PORT, dev });
process.stdout.write(`Listening on http://${env.HOST}:${env.PORT}\n`);
// Maintenance in the background once listening: the start-up mirror repair, then a run every
// JANITOR_INTERVAL_SECONDS (one instance at a time; README "Maintenance").
const janitor = startJanitor();
/** A stop waits this long for visible-object copies under way (the start-up repair completes the rest). */
const MIRROR_DRAIN_MS = 10_000;
const stop = () => {
  void janitor.stop();
  server.close(() => {
    void Promise.race([mirrorsSettled(), new Promise((resolve) => setTimeout(resolve, MIRROR_DRAIN_MS))]).then(() =>
      process.exit(0),
    );
  });
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
