import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { WopiReply } from '@/lib/wopi/types';

const closed = () => new Error('client closed the connection');

const isWebStream = (body: object): body is ReadableStream<Uint8Array> =>
  typeof (body as Partial<ReadableStream>).getReader === 'function';

/**
 * Resolves on 'drain', rejects on 'close' (at once when the response is already gone: its
 * 'close' will not come again); both listeners are removed either way (no growth under backpressure).
 */
const drained = (res: ServerResponse) =>
  new Promise<void>((resolve, reject) => {
    if (res.destroyed) return reject(closed());
    const onDrain = () => {
      res.off('close', onClose);
      resolve();
    };
    const onClose = () => {
      res.off('drain', onDrain);
      reject(closed());
    };
    res.once('drain', onDrain);
    res.once('close', onClose);
  });

const HTTP_WHITESPACE_EDGE = /^[\t\n\r ]|[\t\n\r ]$/;
const HTTP_WHITESPACE_EDGES = /^[\t\n\r ]+|[\t\n\r ]+$/g;

/** A value as fetch's Headers stores it: leading and trailing HTTP whitespace removed. */
const normalized = (value: string) =>
  HTTP_WHITESPACE_EDGE.test(value) ? value.replace(HTTP_WHITESPACE_EDGES, '') : value;

/**
 * The response head a fetch Response with `headers` produced, so the bytes on the wire stay
 * what editors have always seen: `extraHeaders` first as given, then the reply's names lowercase
 * in sorted order, repeats (in any case) joined by ", ".
 */
export const responseHead = (
  headers: Readonly<Record<string, string>>,
  extraHeaders: Readonly<Record<string, string>>,
) => {
  const head: Record<string, string> = { ...extraHeaders };
  const names = Object.keys(headers);
  if (names.length === 1) {
    head[names[0]!.toLowerCase()] = normalized(headers[names[0]!]!);

    return head;
  }
  const merged = new Map<string, string>();
  for (const name of names) {
    const key = name.toLowerCase();
    const value = normalized(headers[name]!);
    const previous = merged.get(key);
    merged.set(key, previous === undefined ? value : `${previous}, ${value}`);
  }
  for (const key of [...merged.keys()].sort()) head[key] = merged.get(key)!;

  return head;
};

/** A fetch body: a direct read/write loop with backpressure (cheaper than wrapping it in a Readable). */
const sendWebStream = async (res: ServerResponse, body: ReadableStream<Uint8Array>) => {
  const reader = body.getReader();
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (!res.write(value)) await drained(res);
    }
    res.end();

    return bytes;
  } catch (error) {
    // Never let a cancelled source throw past here (nodejs/node#54205 territory): the reply is over.
    await reader.cancel().catch(() => {});
    res.destroy();
    throw error;
  }
};

const sendNodeStream = async (res: ServerResponse, body: Readable) => {
  let bytes = 0;
  try {
    // The iterator destroys `body` when the loop exits early (the client went away, the source failed).
    for await (const chunk of body as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (!res.write(chunk)) await drained(res);
    }
    res.end();

    return bytes;
  } catch (error) {
    body.destroy();
    res.destroy();
    throw error;
  }
};

/**
 * Writes a WOPI reply to Node's response: `extraHeaders` plus the reply's (see responseHead);
 * strings and buffers whole, streams with backpressure. Without Content-Length the body goes
 * chunked, as before. Resolves to the body bytes written; rejects (after destroying the response
 * and the body stream) when the client went away or the body failed.
 */
export const sendReply = async (
  res: ServerResponse,
  { status, headers, body }: WopiReply,
  extraHeaders: Readonly<Record<string, string>> = {},
) => {
  try {
    res.writeHead(status, responseHead(headers, extraHeaders));
  } catch (error) {
    // A header value Node refuses: nothing was sent; release the body and let the caller answer.
    if (body !== null && typeof body === 'object' && !Buffer.isBuffer(body)) {
      if (isWebStream(body)) await body.cancel().catch(() => {});
      else body.destroy();
    }
    throw error;
  }
  if (body === null) {
    res.end();

    return 0;
  }
  if (typeof body === 'string') {
    res.end(body);

    return Buffer.byteLength(body);
  }
  if (Buffer.isBuffer(body)) {
    res.end(body);

    return body.length;
  }

  return isWebStream(body) ? sendWebStream(res, body) : sendNodeStream(res, body);
};
