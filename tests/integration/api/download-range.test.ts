import { beforeAll, describe, expect, it } from 'vitest';
import { addDocument, uniqueFolder } from '../../support/documents';
import { makeUser, sessionCookie } from '../../support/session';
import { apiRequest } from '../../support/users-api';

// Range requests on the routes that serve a document's bytes to browsers, over real HTTP on the
// tier's production portal. /inline answers one byte range with 206 (RFC 9110 §14, §15.3.7) and
// an unsatisfiable one with 416 + `Content-Range: bytes */<size>` (§14.4, §15.5.17); a malformed
// Range header or several ranges are ignored (200, the whole body). /content (the download) does
// not serve ranges at all: it ignores the header and sends the whole body with 200.

let cookie: string;
let twelve: string;
let empty: string;

beforeAll(async () => {
  const viewer = await makeUser('viewer');
  cookie = await sessionCookie(viewer);
  const folder = uniqueFolder('range');
  twelve = (await addDocument(folder, 'Twelve.pdf', '0123456789ab')).id;
  empty = (await addDocument(folder, 'Empty.pdf', '')).id;
});

const get = (id: string, route: 'inline' | 'content', range?: string) =>
  apiRequest(`/api/documents/${id}/${route}`, { cookie, method: 'GET', headers: range ? { range } : {} });

/** The answer's status, Content-Range, Content-Length and body. */
const answerOf = async (response: Response) => ({
  status: response.status,
  contentRange: response.headers.get('content-range'),
  contentLength: response.headers.get('content-length'),
  body: await response.text(),
});

describe('GET /api/documents/:id/inline with Range (12 bytes)', () => {
  it('GET /api/documents/:id/inline Range: bytes=2-5 → 206 + Content-Range: bytes 2-5/12 + those 4 bytes', async () => {
    expect(await answerOf(await get(twelve, 'inline', 'bytes=2-5'))).toEqual({
      status: 206,
      contentRange: 'bytes 2-5/12',
      contentLength: '4',
      body: '2345',
    });
  });

  it('GET /api/documents/:id/inline Range: bytes=10-99 → 206 + Content-Range: bytes 10-11/12 (the end clipped to the size)', async () => {
    expect(await answerOf(await get(twelve, 'inline', 'bytes=10-99'))).toEqual({
      status: 206,
      contentRange: 'bytes 10-11/12',
      contentLength: '2',
      body: 'ab',
    });
  });

  it('GET /api/documents/:id/inline Range: bytes=-3 (suffix) → 206 + Content-Range: bytes 9-11/12 + the last 3 bytes; bytes=-50 → all 12', async () => {
    expect(await answerOf(await get(twelve, 'inline', 'bytes=-3'))).toEqual({
      status: 206,
      contentRange: 'bytes 9-11/12',
      contentLength: '3',
      body: '9ab',
    });
    expect(await answerOf(await get(twelve, 'inline', 'bytes=-50'))).toMatchObject({
      status: 206,
      contentRange: 'bytes 0-11/12',
      body: '0123456789ab',
    });
  });

  it.each(['bytes=999999-', 'bytes=12-', 'bytes=12-20', 'bytes=-0'])(
    'GET /api/documents/:id/inline Range: %s → 416 + Content-Range: bytes */12, JSON error range_not_satisfiable',
    async (range) => {
      const response = await get(twelve, 'inline', range);
      expect(response.status).toBe(416);
      expect(response.headers.get('content-range')).toBe('bytes */12');
      expect(await response.json()).toMatchObject({ error: { code: 'range_not_satisfiable', size: 12 } });
    },
  );

  it.each(['bytes=5-2', 'bytes=a-b', 'bytes=-', 'items=0-1', 'bytes 0-1', 'bytes=1-2-3'])(
    'GET /api/documents/:id/inline Range: %s (malformed) → 200 + the whole body, no Content-Range',
    async (range) => {
      expect(await answerOf(await get(twelve, 'inline', range))).toEqual({
        status: 200,
        contentRange: null,
        contentLength: '12',
        body: '0123456789ab',
      });
    },
  );

  it('GET /api/documents/:id/inline Range: bytes=0-1,4-5 or bytes=999-,1000- (several ranges) → 200 + the whole body', async () => {
    for (const range of ['bytes=0-1,4-5', 'bytes=999-,1000-'])
      expect(await answerOf(await get(twelve, 'inline', range)), range).toMatchObject({
        status: 200,
        contentRange: null,
        body: '0123456789ab',
      });
  });
});

describe('GET /api/documents/:id/inline with Range on an empty file (0 bytes)', () => {
  it.each(['bytes=0-', 'bytes=0-0', 'bytes=5-9', 'bytes=-0'])(
    'GET /api/documents/:id/inline Range: %s on 0 bytes → 416 + Content-Range: bytes */0',
    async (range) => {
      const response = await get(empty, 'inline', range);
      expect(response.status).toBe(416);
      expect(response.headers.get('content-range')).toBe('bytes */0');
    },
  );

  it('GET /api/documents/:id/inline Range: bytes=-5 on 0 bytes → 200 + the empty body (a satisfiable suffix, RFC 9110 §14.1.1, that no 206 Content-Range can express)', async () => {
    expect(await answerOf(await get(empty, 'inline', 'bytes=-5'))).toEqual({
      status: 200,
      contentRange: null,
      contentLength: '0',
      body: '',
    });
  });

  it('GET /api/documents/:id/inline of 0 bytes without Range → 200 + the empty body', async () => {
    expect(await answerOf(await get(empty, 'inline'))).toMatchObject({ status: 200, contentRange: null, body: '' });
  });
});

describe('GET /api/documents/:id/content (the download) ignores Range', () => {
  it('GET /api/documents/:id/content Range: bytes=2-5 or bytes=999999- → 200 + the whole 12 bytes, no Content-Range', async () => {
    for (const range of ['bytes=2-5', 'bytes=999999-']) {
      const response = await get(twelve, 'content', range);
      expect(response.headers.get('accept-ranges'), range).toBeNull();
      expect(await answerOf(response), range).toEqual({
        status: 200,
        contentRange: null,
        contentLength: '12',
        body: '0123456789ab',
      });
    }
  });
});
