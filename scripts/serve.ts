/** The production web server process that `npm start` runs (Next.js plus the WOPI core). */
import { loadEnv } from '@/lib/env';
import { serve } from '@/lib/server/serve';

const env = loadEnv();
// npm start runs this from the project directory (also when bundled into .next by the build).
const server = await serve({ dir: process.cwd(), hostname: env.HOST, port: env.PORT });
process.stdout.write(`Listening on http://${env.HOST}:${env.PORT}\n`);
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
