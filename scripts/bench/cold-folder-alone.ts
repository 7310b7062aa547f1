/**
 * `npx tsx scripts/bench/cold-folder-alone.ts [--objects N]`: only the bench's cold-folder
 * measurement (scripts/bench/cold-folder.ts) on a throwaway portal, without the 2.5-minute rest;
 * the same target row and table as `npm run bench` prints.
 */
import { parseArgs } from 'node:util';
import { COLD_FOLDER_OBJECTS, measureColdFolder } from './cold-folder';
import { startPortal } from './portal';
import { renderMarkdown, machineInfo, type Report } from './report';
import { evaluateTargets } from './targets';

const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);

const main = async () => {
  const { values } = parseArgs({ options: { objects: { type: 'string', default: String(COLD_FOLDER_OBJECTS) } } });
  const objects = Number(values.objects);
  if (!Number.isInteger(objects) || objects < 1 || objects > 100_000) throw new Error('--objects must be 1…100000');
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new Error('interrupted')));
  const started = performance.now();
  const portal = await startPortal({ log: say, isAborted: () => controller.signal.aborted });
  const report: Report = {
    date: new Date().toISOString(),
    runSeconds: 0,
    machine: machineInfo(),
    portal: 'started by the bench (embedded Postgres 17 + s3rver, LOG_LEVEL=warn)',
    code: 'work tree',
    settings: { 'cold objects': objects },
    load: [],
    transfers: [],
    targets: [],
    notes: [],
  };
  try {
    const { s3Endpoint } = await portal.runtime();
    if (!s3Endpoint) throw new Error('the portal runs no embedded S3 server');
    report.coldFolder = await measureColdFolder({
      baseUrl: portal.baseUrl,
      s3: { endpoint: s3Endpoint, bucket: 'wopi-documents', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      count: objects,
      log: say,
      signal: controller.signal,
    });
  } finally {
    await portal.stop();
  }
  report.machine.loadAverageEnd = machineInfo().loadAverageStart;
  report.runSeconds = (performance.now() - started) / 1000;
  report.targets = evaluateTargets(report, { connections: 1, largeMib: 1, memoryMib: 1, coldObjects: objects }).filter(
    (target) => target.name.startsWith('Cold folder'),
  );
  // Without the request scenarios, their (empty) table and its legend say nothing.
  process.stdout.write(renderMarkdown(report).replace(/### Requests[\s\S]*?(?=### )/, ''));
};

main().then(
  () => process.exit(0),
  (error: unknown) => {
    say(`Failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
