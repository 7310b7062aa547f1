/**
 * A web server process for crash tests: the production request listener (what `npm start`
 * serves for /wopi; no Next.js, no janitor, so nothing repairs anything behind the test's back)
 * on a free loopback port, on the Postgres and S3 its environment names. Prints
 * `{"port":N}` once listening; the test kills it with SIGKILL.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPortalListener } from '@/lib/server/portal-listener';

const server = createServer((req, res) =>
  createPortalListener({ other: (_req, response) => response.writeHead(404).end() })(req, res),
);
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
