/**
 * Search across folders at scale: `count` documents (default 100,000) are inserted with plain
 * SQL (generate_series, one statement) into the bench's throwaway database, spread over 400
 * folders, 8 extensions, 4 users and a year of modification dates, with accented and plain
 * names; then a fixed mix of searches (common and rare substrings, accents, short queries,
 * filters, date order, a second page) goes through GET /api/documents/search signed in as the
 * seeded admin, closed loop on `connections` keep-alive connections, and p50/p95/p99 are taken
 * per request. The rows stay: they go with the throwaway portal.
 */
import pg from 'pg';
import { poolConfigFromUrl } from '@/lib/db/pg-adapter';
import { signIn } from './cold-folder';
import { createClient, createLoad, expectStatus, percentile, type Scenario } from './load';

export const SEARCH_DOCUMENTS = 100_000;
export const SEARCH_P95_LIMIT_MS = 300;

export type SearchBench = {
  documents: number;
  seedSeconds: number;
  connections: number;
  requests: number;
  errors: number;
  firstError?: string;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Per query of the mix: its p50 and p95 (ms) and how many documents it matched (capped at 1000). */
  queries: { label: string; p50: number; p95: number; total: string }[];
};

type Options = {
  baseUrl: string;
  databaseUrl: string;
  count?: number;
  connections?: number;
  warmupMs?: number;
  durationMs?: number;
  log: (line: string) => void;
  signal: AbortSignal;
};

const WORDS = [
  'Budget',
  'Report',
  'Minutes',
  'Invoice',
  'Résumé',
  'Contract',
  'Roadmap',
  'Café',
  'Forecast',
  'Proposal',
  'Straße',
  'Schedule',
  'Inventory',
  'Payroll',
  'Strategy',
  'Overview',
];
const EXTENSIONS = ['docx', 'xlsx', 'pptx', 'pdf', 'odt', 'ods', 'txt', 'png'];

/**
 * Inserts `count` visible documents in one statement; every 50th is deleted and every 97th
 * missing (the search must skip them). Names look like "Budget Q3 Payroll 12345.xlsx".
 * Answers the user ids the rows name as last modifier.
 */
export const seedDocuments = async (databaseUrl: string, count: number) => {
  const client = new pg.Client(poolConfigFromUrl(databaseUrl));
  await client.connect();
  try {
    const users = await client.query<{ id: string }>('SELECT id FROM "User" ORDER BY email');
    const userIds = users.rows.map((row) => row.id);
    await client.query(
      `INSERT INTO "Document" (id, key, "contentKey", name, folder, extension, size, "lastModifiedAt",
                               "lastModifiedById", "deletedAt", "missingSince", "updatedAt")
       SELECT gen_random_uuid(), f.folder || '/' || f.name || CASE WHEN n % 50 = 0 THEN '.deleted' ELSE '' END,
              f.folder || '/' || f.name, f.name, f.folder, f.ext, 1000 + n, now() - (n % 365) * interval '1 day' - n * interval '1 second',
              ($3::uuid[])[1 + (n / 5) % cardinality($3::uuid[])],
              CASE WHEN n % 50 = 0 THEN now() END, CASE WHEN n % 97 = 0 THEN now() END, now()
         FROM generate_series(1, $1::int) n,
              LATERAL (SELECT 'bench-search/dept-' || (n % 20) || '/project-' || (n % 400) AS folder,
                              ($2::text[])[1 + (n / 3) % cardinality($2::text[])] AS ext) e,
              LATERAL (SELECT e.folder,
                              e.ext,
                              ($4::text[])[1 + n % cardinality($4::text[])] || ' Q' || (1 + (n / 16) % 4) || ' '
                                || ($4::text[])[1 + (n / 64) % cardinality($4::text[])] || ' ' || n || '.' || e.ext AS name) f`,
      [count, EXTENSIONS, userIds, WORDS],
    );
    await client.query('ANALYZE "Document"');

    return userIds;
  } finally {
    await client.end();
  }
};

/** The query mix: each entry is one GET /api/documents/search query string. */
const queryMix = (userIds: string[]): { label: string; query: Record<string, string> }[] => {
  const someone = userIds[0] ?? '00000000-0000-0000-0000-000000000000';

  return [
    { label: 'common word ("report")', query: { q: 'report' } },
    { label: 'two words ("budget q3")', query: { q: 'budget q3' } },
    { label: 'accent-insensitive ("resume")', query: { q: 'resume' } },
    { label: 'accented ("café q2")', query: { q: 'café q2' } },
    { label: 'rarer ("strategy q2 budget")', query: { q: 'strategy q2 budget' } },
    { label: 'rare ("4242.")', query: { q: '4242.' } },
    { label: 'rare number ("77777")', query: { q: '77777' } },
    { label: 'no match ("zebra")', query: { q: 'zebra' } },
    { label: 'two letters ("q4")', query: { q: 'q4' } },
    { label: '"report" + spreadsheets', query: { q: 'report', type: 'spreadsheets' } },
    { label: '"invoice" + modified by a user', query: { q: 'invoice', modifiedBy: someone } },
    { label: '"forecast" + last 30 days', query: { q: 'forecast', from: daysAgo(30), to: daysAgo(0) } },
    { label: '"strategy" by date', query: { q: 'strategy', sort: 'modified' } },
    { label: '"contract" page 2', query: { q: 'contract', page: '2' } },
    { label: 'PDFs of a user, no name', query: { type: 'pdfs', modifiedBy: someone } },
  ];
};

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

/** Seeds the documents, then measures the query mix through the API (see the file's comment). */
export const measureSearch = async ({
  baseUrl,
  databaseUrl,
  count = SEARCH_DOCUMENTS,
  connections = 2,
  warmupMs = 3000,
  durationMs = 20_000,
  log,
  signal,
}: Options): Promise<SearchBench> => {
  const seeding = performance.now();
  const userIds = await seedDocuments(databaseUrl, count);
  const seedSeconds = (performance.now() - seeding) / 1000;
  log(`Search: ${count} documents inserted in ${seedSeconds.toFixed(1)} s; measuring…`);
  const setup = createClient();
  const cookie = await signIn(setup, baseUrl).finally(() => setup.close());
  const mix = queryMix(userIds).map((entry) => ({
    ...entry,
    url: `${baseUrl}/api/documents/search?${new URLSearchParams({ ...entry.query, tz: 'Europe/Berlin' }).toString()}`,
    latencies: [] as number[],
    total: '',
  }));
  let next = 0;
  let isMeasuring = false;
  const scenario: Scenario = {
    name: 'GET /api/documents/search',
    requestsPerIteration: 1,
    iterate: async (client) => {
      const entry = mix[next++ % mix.length]!;
      const started = performance.now();
      const reply = expectStatus(await client.request('GET', entry.url, { cookie }), 200, entry.label);
      if (isMeasuring) entry.latencies.push(performance.now() - started);
      if (!entry.total) {
        const body = JSON.parse(reply.body.toString('utf8')) as { total: number; isTotalCapped: boolean };
        entry.total = `${body.total}${body.isTotalCapped ? '+' : ''}`;
      }
    },
  };
  const load = createLoad(scenario, connections);
  try {
    signal.throwIfAborted();
    await load.warmup(warmupMs);
    isMeasuring = true;
    await load.measure(durationMs);
  } finally {
    load.close();
  }
  const result = load.result();
  const all = Float64Array.from(mix.flatMap((entry) => entry.latencies)).sort();
  const bench: SearchBench = {
    documents: count,
    seedSeconds,
    connections,
    requests: result.requests,
    errors: result.errors,
    ...(result.firstError ? { firstError: result.firstError } : {}),
    p50: percentile(all, 50),
    p95: percentile(all, 95),
    p99: percentile(all, 99),
    max: all.length ? all[all.length - 1]! : NaN,
    queries: mix.map((entry) => {
      const sorted = Float64Array.from(entry.latencies).sort();

      return { label: entry.label, p50: percentile(sorted, 50), p95: percentile(sorted, 95), total: entry.total };
    }),
  };
  log(
    `Search over ${count} documents: ${bench.requests} requests, p50 ${bench.p50.toFixed(1)} ms, p95 ${bench.p95.toFixed(1)} ms, ` +
      `p99 ${bench.p99.toFixed(1)} ms, ${bench.errors} errors${bench.firstError ? ` (${bench.firstError})` : ''}`,
  );

  return bench;
};
