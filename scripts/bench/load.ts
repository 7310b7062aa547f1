/**
 * Closed-loop HTTP load with node's own http module: N workers, each with its own keep-alive
 * connection, send their next request as soon as the previous answer has been read. Every loop
 * is bounded by a deadline and an iteration cap; only loopback URLs are used (checked by the caller).
 */
import http from 'node:http';

export type Reply = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

export type Client = {
  request: (method: string, url: string, headers?: Record<string, string>, body?: Buffer) => Promise<Reply>;
  close: () => void;
};

const REQUEST_TIMEOUT_MS = 30_000;

/** One keep-alive connection (maxSockets 1); records each request's latency in ms when `latencies` is given. */
export const createClient = (latencies?: number[]): Client => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const send = (
    method: string,
    url: string,
    headers: Record<string, string>,
    body: Buffer | undefined,
    retry: boolean,
  ) =>
    new Promise<Reply>((resolve, reject) => {
      const started = process.hrtime.bigint();
      const req = http.request(
        url,
        {
          method,
          agent,
          headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) },
          timeout: REQUEST_TIMEOUT_MS,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.once('error', reject);
          res.once('end', () => {
            latencies?.push(Number(process.hrtime.bigint() - started) / 1e6);
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
          });
        },
      );
      req.once('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
      req.once('error', (error: NodeJS.ErrnoException) => {
        // The server closed an idle keep-alive connection just as we reused it: once more, on a new one.
        if (retry && req.reusedSocket && error.code === 'ECONNRESET') resolve(send(method, url, headers, body, false));
        else reject(error);
      });
      req.end(body);
    });

  return {
    request: (method, url, headers = {}, body) => send(method, url, headers, body, true),
    close: () => agent.destroy(),
  };
};

/** Nearest-rank percentile of an ascending array. */
export const percentile = (sorted: ArrayLike<number>, p: number) => {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));

  return sorted[rank - 1]!;
};

const sortedCopy = (values: number[]) => Float64Array.from(values).sort();

export type Scenario = {
  name: string;
  /** HTTP requests one iteration sends (LOCK+UNLOCK: 2). */
  requestsPerIteration: number;
  /** One iteration for worker `index`; throws on an unexpected answer. */
  iterate: (client: Client, index: number) => Promise<void>;
};

export type LoadResult = {
  scenario: string;
  connections: number;
  seconds: number;
  iterations: number;
  requests: number;
  errors: number;
  firstError?: string;
  iterationsPerSecond: number;
  requestsPerSecond: number;
  /** Per HTTP request, ms. */
  p50: number;
  p99: number;
  max: number;
  /** Per iteration (equal to the request figures when an iteration is one request), ms. */
  iterationP50: number;
  iterationP99: number;
};

const MAX_ITERATIONS_PER_WORKER = 1_000_000;
const MAX_CONSECUTIVE_ERRORS = 50;

type Phase = { iterations: number; errors: number; firstError?: string; requestMs: number[]; iterationMs: number[] };

const runPhase = async (scenario: Scenario, clients: Client[], requestMs: number[][], durationMs: number) => {
  const phase: Phase = { iterations: 0, errors: 0, requestMs: [], iterationMs: [] };
  const deadline = performance.now() + durationMs;
  for (const list of requestMs) list.length = 0;
  const worker = async (index: number) => {
    let consecutiveErrors = 0;
    for (let i = 0; i < MAX_ITERATIONS_PER_WORKER && performance.now() < deadline; i++) {
      const started = performance.now();
      try {
        await scenario.iterate(clients[index]!, index);
        phase.iterationMs.push(performance.now() - started);
        phase.iterations++;
        consecutiveErrors = 0;
      } catch (error) {
        phase.errors++;
        phase.firstError ??= error instanceof Error ? error.message : String(error);
        if (++consecutiveErrors >= MAX_CONSECUTIVE_ERRORS) return;
      }
    }
  };
  const started = performance.now();
  await Promise.all(clients.map((_, index) => worker(index)));
  const seconds = (performance.now() - started) / 1000;
  phase.requestMs = requestMs.flat();

  return { ...phase, seconds };
};

/**
 * A scenario with its `connections` workers and their keep-alive connections, kept open across
 * calls: warm up once, then measure in several slices (interleaved with other scenarios by the
 * caller, so background load hits the baseline and the subject alike); result() pools them.
 */
export const createLoad = (scenario: Scenario, connections: number) => {
  const requestMs = Array.from({ length: connections }, () => [] as number[]);
  const clients = requestMs.map((list) => createClient(list));
  const pooled = { iterations: 0, errors: 0, seconds: 0, requestMs: [] as number[], iterationMs: [] as number[] };
  let firstError: string | undefined;

  return {
    warmup: async (durationMs: number) => {
      if (durationMs > 0) await runPhase(scenario, clients, requestMs, durationMs);
    },
    measure: async (durationMs: number) => {
      const phase = await runPhase(scenario, clients, requestMs, durationMs);
      pooled.iterations += phase.iterations;
      pooled.errors += phase.errors;
      pooled.seconds += phase.seconds;
      for (const value of phase.requestMs) pooled.requestMs.push(value);
      for (const value of phase.iterationMs) pooled.iterationMs.push(value);
      firstError ??= phase.firstError;
    },
    result: (): LoadResult => {
      const requests = sortedCopy(pooled.requestMs);
      const iterations = sortedCopy(pooled.iterationMs);

      return {
        scenario: scenario.name,
        connections,
        seconds: pooled.seconds,
        iterations: pooled.iterations,
        requests: requests.length,
        errors: pooled.errors,
        ...(firstError ? { firstError } : {}),
        iterationsPerSecond: pooled.iterations / pooled.seconds,
        requestsPerSecond: (pooled.iterations * scenario.requestsPerIteration) / pooled.seconds,
        p50: percentile(requests, 50),
        p99: percentile(requests, 99),
        max: requests.length ? requests[requests.length - 1]! : NaN,
        iterationP50: percentile(iterations, 50),
        iterationP99: percentile(iterations, 99),
      };
    },
    close: () => {
      for (const client of clients) client.close();
    },
  };
};

/** Throws unless the reply has `status`; the message names what came back. */
export const expectStatus = (reply: Reply, status: number, what: string) => {
  if (reply.status !== status) {
    const detail = reply.body.toString('utf8', 0, 200);
    throw new Error(`${what}: HTTP ${reply.status}${detail ? ` ${detail}` : ''}`);
  }

  return reply;
};
