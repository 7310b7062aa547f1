/**
 * `npm run bench:search [-- --documents N --connections N --duration S]`: only the bench's search
 * measurement (scripts/bench/search.ts) on a throwaway portal, without the rest of `npm run
 * bench`; the same target row and table as the whole bench prints.
 */
import { parseArgs } from 'node:util';
import { startPortal } from './portal';
import { codeRevision, machineInfo, renderMarkdown, type Report } from './report';
import { measureSearch, SEARCH_DOCUMENTS } from './search';
import { evaluateTargets } from './targets';
import { ROOT } from './portal';

const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);

const integer = (value: string | undefined, name: string, max: number) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > max) throw new Error(`--${name} must be 1…${max}`);

  return number;
};

const main = async () => {
  const { values } = parseArgs({
    options: {
      documents: { type: 'string', default: String(SEARCH_DOCUMENTS) },
      connections: { type: 'string', default: '2' },
      duration: { type: 'string', default: '20' },
    },
  });
  const documents = integer(values.documents, 'documents', 1_000_000);
  const connections = integer(values.connections, 'connections', 64);
  const durationS = integer(values.duration, 'duration', 600);
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new Error('interrupted')));
  const started = performance.now();
  const portal = await startPortal({ log: say, isAborted: () => controller.signal.aborted });
  const report: Report = {
    date: new Date().toISOString(),
    runSeconds: 0,
    machine: machineInfo(),
    portal: 'started by the bench (embedded Postgres 17 + s3rver, LOG_LEVEL=warn)',
    code: codeRevision(ROOT),
    settings: { 'search documents': documents, connections, 's measured': durationS },
    load: [],
    transfers: [],
    targets: [],
    notes: [],
  };
  try {
    const { databaseUrl } = await portal.runtime();
    if (!databaseUrl) throw new Error('the portal runs no embedded Postgres (runtime.json has no databaseUrl)');
    report.search = await measureSearch({
      baseUrl: portal.baseUrl,
      databaseUrl,
      count: documents,
      connections,
      durationMs: durationS * 1000,
      log: say,
      signal: controller.signal,
    });
  } finally {
    await portal.stop();
  }
  report.machine.loadAverageEnd = machineInfo().loadAverageStart;
  report.runSeconds = (performance.now() - started) / 1000;
  report.targets = evaluateTargets(report, {
    connections: 1,
    largeMib: 1,
    memoryMib: 1,
    coldObjects: 0,
    searchDocuments: documents,
  }).filter((target) => target.name.startsWith('Search'));
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
