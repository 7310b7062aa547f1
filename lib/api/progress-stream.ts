import { toApiResponse } from '@/lib/api/handler';

/** The media type of a progress stream: one JSON event per line. */
export const NDJSON = 'application/x-ndjson';

/**
 * One line of a progress stream. `progress`: `done` of `total` items (documents) handled so far
 * (`done` may pass `total` when items were added meanwhile). Then exactly one of `result` (what
 * the plain JSON answer would have been) or `error` (what its JSON error body would have said).
 */
export type ProgressEvent =
  | { type: 'progress'; done: number; total: number }
  | { type: 'result'; result: unknown }
  | { type: 'error'; error: { code: string; message: string; [detail: string]: unknown } };

/** What a long operation is handed: call `start(total)` when its checks passed, then `progress(done)`. */
export type ProgressHooks = { onStart: (total: number) => void; onProgress: (done: number) => void };

/** Whether the client asked for a progress stream (`Accept: application/x-ndjson`). */
export const wantsProgress = (request: Request) => (request.headers.get('accept') ?? '').toLowerCase().includes(NDJSON);

type Options = {
  /** Least time between two progress events, in ms (default 100); the first and last always go. */
  intervalMs?: number;
  /** The clock, in ms (tests). */
  now?: () => number;
  /** The signed-in user: an error event's message is in their saved language (toApiResponse). */
  user?: LocaleUser;
};

type LocaleUser = Parameters<typeof toApiResponse>[2];

/**
 * Runs `operation` and answers with its progress as NDJSON once it has started. Until
 * `onStart` is called nothing has been changed, so a throw before it (403, 400, 409 `locked`…)
 * is rethrown for the route's usual JSON error status, and an operation that finishes without
 * starting (nothing to do) is answered as plain JSON. After `onStart` the answer is a 200 stream:
 * `{"type":"progress","done":0,"total":n}`, progress at most every `intervalMs`, the final
 * progress, then `{"type":"result",…}` or `{"type":"error","error":{code,message}}` (mapped as
 * the route would map it). The operation does not depend on the stream: a client that goes
 * away only stops the events, the work runs to its end.
 */
export const progressResponse = async (
  request: Request,
  operation: (hooks: ProgressHooks) => Promise<unknown>,
  { intervalMs = 100, now = Date.now, user = null }: Options = {},
): Promise<Response> => {
  let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  let isOpen = true;
  let total = 0;
  let done = 0;
  let sentAt = -Infinity;
  let sentDone = -1;
  const encoder = new TextEncoder();
  const send = (event: ProgressEvent) => {
    if (!isOpen || !controller) return;
    try {
      controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
    } catch {
      isOpen = false;
    }
  };
  const sendProgress = () => {
    sentAt = now();
    sentDone = done;
    send({ type: 'progress', done, total });
  };
  const close = () => {
    if (!isOpen || !controller) return;
    isOpen = false;
    try {
      controller.close();
    } catch {
      // The client went away first.
    }
  };

  // Made first, used only once the operation has started (its first event is then 0 of total).
  const body = new ReadableStream<Uint8Array>({
    start: (streamController) => {
      controller = streamController;
    },
    cancel: () => {
      isOpen = false;
    },
  });
  let markStarted: () => void = () => {};
  const started = new Promise<'started'>((resolve) => (markStarted = () => resolve('started')));
  const hooks: ProgressHooks = {
    onStart: (count) => {
      total = count;
      sendProgress();
      markStarted();
    },
    onProgress: (count) => {
      done = count;
      if (now() - sentAt >= intervalMs) sendProgress();
    },
  };
  const running = operation(hooks).then(
    (result) => ({ ok: true as const, result }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  const first = await Promise.race([started, running]);
  if (first !== 'started') {
    void body.cancel();
    if (!first.ok) throw first.error;

    return Response.json(first.result);
  }

  void running
    .then(async (outcome) => {
      if (sentDone !== done) sendProgress();
      if (outcome.ok) send({ type: 'result', result: outcome.result });
      else {
        const answer = (await toApiResponse(outcome.error, request, user).json()) as Extract<
          ProgressEvent,
          { type: 'error' }
        >;
        send({ type: 'error', error: answer.error });
      }
      close();
    })
    .catch(close);

  return new Response(body, {
    headers: {
      'content-type': `${NDJSON}; charset=utf-8`,
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    },
  });
};

/**
 * A folder route's answer: the progress stream when the client asked for it, else today's plain
 * JSON once the operation is done. Refusals before any work are thrown either way.
 */
export const folderOperationResponse = async (
  request: Request,
  operation: (hooks: Partial<ProgressHooks>) => Promise<unknown>,
  user: LocaleUser = null,
) => (wantsProgress(request) ? progressResponse(request, operation, { user }) : Response.json(await operation({})));
