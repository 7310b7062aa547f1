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

/** Writes a fetch-API Response to a Node response, streaming its body with backpressure. */
export const sendWebResponse = async (res: ServerResponse, response: Response) => {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = name === 'set-cookie' ? response.headers.getSetCookie() : value;
  });
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();

    return;
  }
  // A direct read/write loop with backpressure: cheaper than wrapping the web stream in another Readable.
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value))
        await new Promise<void>((resolve, reject) => {
          res.once('drain', resolve);
          res.once('close', () => reject(new Error('client closed the connection')));
        });
    }
    res.end();
  } catch (error) {
    await reader.cancel().catch(() => {});
    res.destroy();
    throw error;
  }
};
