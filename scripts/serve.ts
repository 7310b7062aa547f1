/** The production web server process that `npm start` runs (Next.js plus the WOPI core). */
import { PROJECT_ROOT } from '@/lib/embedded/migrate';
import { loadEnv } from '@/lib/env';
import { serve } from '@/lib/server/serve';

const env = loadEnv();
const server = await serve({ dir: PROJECT_ROOT, hostname: env.HOST, port: env.PORT });
process.stdout.write(`Listening on http://${env.HOST}:${env.PORT}\n`);
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
