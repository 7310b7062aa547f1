import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/** A fetch-API Request for a Node request; the body stays a stream (never buffered). */
export const toWebRequest = (req: IncomingMessage, origin: string) => {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';

  return new Request(`${origin}${req.url ?? '/'}`, {
    method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : null,
    duplex: 'half',
  } as RequestInit);
};

/** Resolves on 'drain', rejects on 'close'; both listeners are removed either way (no growth under backpressure). */
const drained = (res: ServerResponse) =>
  new Promise<void>((resolve, reject) => {
    const onDrain = () => {
      res.off('close', onClose);
      resolve();
    };
    const onClose = () => {
      res.off('drain', onDrain);
      reject(new Error('client closed the connection'));
    };
    res.once('drain', onDrain);
    res.once('close', onClose);
  });

/**
 * Writes a fetch-API Response to a Node response, streaming its body with backpressure.
 * `extraHeaders` are added to the response's own. Resolves to the body bytes written.
 */
export const sendWebResponse = async (
  res: ServerResponse,
  response: Response,
  extraHeaders: Record<string, string> = {},
) => {
  const headers: Record<string, string | string[]> = { ...extraHeaders };
  response.headers.forEach((value, name) => {
    headers[name] = name === 'set-cookie' ? response.headers.getSetCookie() : value;
  });
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();

    return 0;
  }
  // A direct read/write loop with backpressure: cheaper than wrapping the web stream in another Readable.
  const reader = response.body.getReader();
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
    await reader.cancel().catch(() => {});
    res.destroy();
    throw error;
  }
};
