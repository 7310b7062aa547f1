// Runs s3rver as its own process (started with --openssl-legacy-provider, which its
// ListObjectsV2 pagination needs under OpenSSL 3). Prints one JSON line when ready.
import S3rver from 's3rver';

const [directory, port, bucket] = process.argv.slice(2);
const server = new S3rver({
  address: '127.0.0.1',
  port: Number(port),
  directory,
  silent: true,
  configureBuckets: [{ name: bucket }],
});
const { port: actualPort } = await server.run();
process.stdout.write(`${JSON.stringify({ ready: true, port: actualPort })}\n`);
// close() alone waits for clients' keep-alive connections to end, which may be never.
const stop = () => {
  server.close(() => process.exit(0));
  server.httpServer?.closeAllConnections?.();
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The parent holds our stdin; when it dies without signalling us, stdin closes and we exit.
process.stdin.on('end', stop);
process.stdin.resume();
