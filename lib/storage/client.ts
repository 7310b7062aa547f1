import http, { IncomingMessage } from 'node:http';
import https from 'node:https';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';
import { env } from '@/lib/env';
import { unavailableError } from '@/lib/errors';

type Request = Parameters<NodeHttpHandler['handle']>[0];
type Options = NonNullable<Parameters<NodeHttpHandler['handle']>[1]>;

const MAX_ATTEMPTS = 3;
/** After a request stalled, others first ask the endpoint whether it answers at all, this long at most. */
const PROBE_TIMEOUT_MS = 1000;
/** Backstop for a server-side copy whose server still answers probes (5 GB copies can take minutes). */
const SERVER_WORK_TIMEOUT_MS = 15 * 60 * 1000;

/** The name every "storage did not answer in time" error carries (also the SDK's own). */
const STALL = 'TimeoutError';
const stallError = (message: string) => Object.assign(new Error(message), { name: STALL });
/**
 * Silence for S3_REQUEST_TIMEOUT_MS (ours and the SDK's timeouts carry no code). The SDK also
 * names refused and reset connections TimeoutError, with their code: those fail fast and are
 * retried (a kept-alive socket the server closed is the usual one).
 */
const isStall = (error: unknown) => {
  const e = error as { name?: unknown; code?: unknown } | undefined;

  return e?.name === STALL && typeof e.code !== 'string';
};

/**
 * Requests where the server works on a whole object before it answers: CopyObject and
 * UploadPartCopy (x-amz-copy-source) and CompleteMultipartUpload (POST ?uploadId). s3rver sends
 * nothing meanwhile (1 GiB measured: 3.7 s to complete, 1.3 s to copy), so silence there is not a
 * stall; an endpoint that stops answering probes is.
 */
const isServerSideWork = (request: Request) =>
  'x-amz-copy-source' in request.headers || (request.method === 'POST' && 'uploadId' in (request.query ?? {}));

/** Any HTTP answer from the endpoint within `timeoutMs` (even 403 or 405) means the server is alive. */
const isAnswering = (request: Request, timeoutMs: number) =>
  new Promise<boolean>((resolve) => {
    const probe = (request.protocol === 'https:' ? https : http).request({
      method: 'HEAD',
      protocol: request.protocol,
      hostname: request.hostname,
      port: request.port,
      path: '/',
      agent: false,
      timeout: timeoutMs,
    });
    probe.once('response', (response) => {
      response.resume();
      resolve(true);
    });
    probe.once('timeout', () => probe.destroy());
    probe.once('error', () => resolve(false));
    probe.once('close', () => resolve(false));
    probe.end();
  });

/**
 * The SDK's idle timer on a response body also counts our own backpressure (an editor or browser
 * reading slowly, a paused download) as the server's silence. Ours counts only the time the body
 * has room for bytes and the server sends none: a stall mid-body still ends it after
 * `timeoutMs`, a slow reader never does.
 */
const watchBody = (body: IncomingMessage, timeoutMs: number) => {
  const socket = body.socket;
  if (!socket || body.complete) return;
  socket.setTimeout(0);
  let lastData = Date.now();
  const onData = () => (lastData = Date.now());
  socket.on('data', onData);
  const timer = setInterval(
    () => {
      // Behind: its buffer is full (node:http then stops reading the socket), or a 'data'
      // consumer paused it (Readable.toWeb does under backpressure). A reader pulling through
      // 'readable' (for await) is never "paused" by its own mode: only its buffer counts.
      const isPausedConsumer = body.readableFlowing === false && body.listenerCount('data') > 0;
      const isReaderBehind = isPausedConsumer || body.readableLength >= body.readableHighWaterMark;
      if (isReaderBehind) lastData = Date.now();
      else if (Date.now() - lastData >= timeoutMs)
        body.destroy(stallError(`storage sent nothing for ${timeoutMs} ms in the middle of a body`));
    },
    Math.max(25, timeoutMs / 5),
  );
  timer.unref();
  const done = () => {
    clearInterval(timer);
    socket.off('data', onData);
  };
  body.once('end', done);
  body.once('close', done);
};

/**
 * Every request's wait is bounded by S3_REQUEST_TIMEOUT_MS of inactivity: connecting (or waiting
 * for a pooled socket), each silence while sending or awaiting the answer, and each silence of
 * the server while a response body has room for bytes. A slow 1 GiB transfer that keeps moving
 * is never cut, nor a slow reader; a stalled server is. Server-side copies are watched by probing the
 * endpoint instead. Once a request stalled, the next ones first probe the endpoint (one shared
 * probe, at most PROBE_TIMEOUT_MS): no answer fails them at once (an upload's cleanup must not
 * wait a second full timeout), an answer (the server is back) lets them through.
 */
class BoundedHttpHandler extends NodeHttpHandler {
  private readonly probeTimeoutMs: number;
  private isSuspect = false;
  private probe: Promise<boolean> | undefined;
  private readonly serverWork: NodeHttpHandler;

  constructor(private readonly timeoutMs: number) {
    super({ connectionTimeout: timeoutMs, socketTimeout: timeoutMs });
    this.probeTimeoutMs = Math.min(PROBE_TIMEOUT_MS, timeoutMs);
    this.serverWork = new NodeHttpHandler({ connectionTimeout: timeoutMs, socketTimeout: SERVER_WORK_TIMEOUT_MS });
  }

  override async handle(request: Request, options: Options = {}) {
    if (this.isSuspect && !(await this.isBack(request)))
      throw stallError(`storage did not answer for ${this.timeoutMs} ms, nor a probe since`);
    try {
      if (isServerSideWork(request)) return await this.watched(request, options);
      const output = await super.handle(request, options);
      const body = output.response.body as IncomingMessage | undefined;
      if (body instanceof IncomingMessage) watchBody(body, this.timeoutMs);

      return output;
    } catch (error) {
      if (isStall(error)) this.isSuspect = true;
      throw error;
    }
  }

  /** One probe at a time, shared by every request that waits for it. */
  private isBack(request: Request) {
    this.probe ??= isAnswering(request, this.probeTimeoutMs).then((isAlive) => {
      this.probe = undefined;
      if (isAlive) this.isSuspect = false;

      return isAlive;
    });

    return this.probe;
  }

  private async watched(request: Request, options: Options) {
    const controller = new AbortController();
    const outer = options.abortSignal as AbortSignal | undefined;
    const onOuterAbort = () => controller.abort();
    outer?.addEventListener?.('abort', onOuterAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    let isSettled = false;
    let isStalled = false;
    const watch = () => {
      timer = setTimeout(() => {
        void isAnswering(request, this.probeTimeoutMs).then((isAlive) => {
          if (isSettled) return;
          if (isAlive) return watch();
          isStalled = true;
          controller.abort();
        });
      }, this.timeoutMs);
      timer.unref();
    };
    watch();
    try {
      return await this.serverWork.handle(request, { ...options, abortSignal: controller.signal });
    } catch (error) {
      if (isStalled) throw stallError('storage stopped answering probes during a server-side copy');
      throw error;
    } finally {
      isSettled = true;
      clearTimeout(timer);
      outer?.removeEventListener?.('abort', onOuterAbort);
    }
  }

  override destroy() {
    super.destroy();
    this.serverWork.destroy();
  }
}

const retryToken = (count: number, delay: number): RetryToken => ({
  getRetryCount: () => count,
  getRetryDelay: () => delay,
});

/**
 * The SDK's retries (3 attempts, jittered backoff) for refused or reset connections, 5xx and
 * throttling, but never after a timeout: a server that did not answer for S3_REQUEST_TIMEOUT_MS
 * would make every retry wait as long again.
 */
const retryStrategy: RetryStrategyV2 = {
  acquireInitialRetryToken: () => Promise.resolve(retryToken(0, 0)),
  refreshRetryTokenForRetry: (previous: RetryToken, info: RetryErrorInfo) => {
    const count = previous.getRetryCount() + 1;
    const isRetryable = info.errorType === 'TRANSIENT' || info.errorType === 'THROTTLING';
    if (count >= MAX_ATTEMPTS || !isRetryable || isStall(info.error)) return Promise.reject(new Error('no retry'));

    return Promise.resolve(retryToken(count, Math.round(Math.random() * 100 * 2 ** count)));
  },
  recordSuccess: () => {},
};

// Network-level failures and the server's own "try later" answers.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const UNAVAILABLE_NAMES = new Set([STALL, 'SlowDown', 'ServiceUnavailable', 'InternalError', 'RequestTimeout']);

const isUnavailable = (error: unknown) => {
  const e = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  const status = e?.$metadata?.httpStatusCode;

  return (
    UNAVAILABLE_NAMES.has(e?.name ?? '') ||
    UNAVAILABLE_CODES.has(e?.code ?? '') ||
    (status !== undefined && status >= 500 && status !== 501)
  );
};

const create = () => {
  const hasStaticKeys = env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY;

  const client = new S3Client({
    region: env.S3_REGION,
    endpoint: env.S3_ENDPOINT,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
    // The SDK's default aws-chunked trailer checksums corrupt streamed bodies on s3rver and
    // some S3-compatible servers; checksums only where an operation requires them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials: hasStaticKeys
      ? { accessKeyId: env.S3_ACCESS_KEY_ID!, secretAccessKey: env.S3_SECRET_ACCESS_KEY! }
      : undefined,
    requestHandler: new BoundedHttpHandler(env.S3_REQUEST_TIMEOUT_MS),
    maxAttempts: MAX_ATTEMPTS,
    retryStrategy,
  });
  // Outermost (after retries): storage that is down, stalled or overloaded becomes one error
  // type that every edge answers with 503 + Retry-After.
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (!isUnavailable(error)) throw error;
        throw unavailableError('storage', error instanceof Error ? error.message : String(error), error);
      }
    },
    { step: 'initialize', priority: 'high', name: 'dependencyUnavailable' },
  );

  return client;
};

const globalForS3 = globalThis as unknown as { wopiS3?: S3Client };

export const getS3 = (): S3Client => (globalForS3.wopiS3 ??= create());

export const resetS3 = () => {
  globalForS3.wopiS3?.destroy();
  globalForS3.wopiS3 = undefined;
};
