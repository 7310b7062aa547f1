import { beforeAll, describe, expect, it } from 'vitest';
import { fetchSearch, insertDocument, search, uniqueTag } from './fixtures';
import { makeUser, sessionCookie } from '../../support/session';

// Client input must never make the search answer 5xx or list what it does not ask for.

let cookie: string;

beforeAll(async () => {
  cookie = await sessionCookie(await makeUser('viewer'));
});

const names = (body: { results: { name: string }[] }) => body.results.map((result) => result.name);

describe('GET /api/documents/search: hostile input', () => {
  it.each(['%00', 'a%00b', `${'x'.repeat(10)}%00`])(
    'GET /api/documents/search?q=%s (NUL, which Postgres text cannot hold) → 400 invalid_text (refused at the API edge, lib/api/handler.ts), not 500',
    async (q) => {
      const response = await fetchSearch(`q=${q}`, cookie);
      expect(response.status).toBe(400);
      expect((await response.json()).error).toMatchObject({ code: 'invalid_text', message: /NUL character/ });
    },
  );

  it('GET /api/documents/search?q=x&tz=Mars/Base → 400 invalid_search naming the time zone (in German too); nothing searched', async () => {
    const response = await fetchSearch('q=x&tz=Mars%2FBase&from=2026-13-01', cookie);
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('invalid_search');
    expect(error.message).toContain('Time zone: not a known time zone');
    expect(error.message).toContain('From: use a date as YYYY-MM-DD.');
    const german = await fetchSearch('q=x&tz=Mars%2FBase', `${cookie}; locale=de`);
    expect(german.status).toBe(400);
    expect((await german.json()).error.message).toBe('Zeitzone: unbekannte Zeitzone (etwa Europe/Berlin).');
  });

  it('GET /api/documents/search?q=x with a stale tz cookie (Mars/Base) → 200 in UTC; ?tz=Asia/Tokyo → 200', async () => {
    const tag = uniqueTag();
    await insertDocument({ name: `${tag} zone.txt` });
    const stale = await fetchSearch({ q: tag }, `${cookie}; tz=Mars%2FBase`);
    expect(stale.status).toBe(200);
    expect(names(await stale.json())).toEqual([`${tag} zone.txt`]);
    expect((await fetchSearch({ q: tag, tz: 'Asia/Tokyo' }, cookie)).status).toBe(200);
  });

  it('GET /api/documents/search?to=9999-12-31 (the last day a date field takes) → 200, today’s documents included', async () => {
    const tag = uniqueTag();
    await insertDocument({ name: `${tag} now.txt` });
    for (const tz of ['UTC', 'Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
      expect(names(await search({ q: tag, to: '9999-12-31', tz }, cookie))).toEqual([`${tag} now.txt`]);
      expect(names(await search({ q: tag, from: '9999-12-31', to: '9999-12-31', tz }, cookie))).toEqual([]);
    }
  });

  // Types are lower-cased first, so these two are the Object.prototype names a type can be.
  it.each(['constructor', '__proto__'])(
    'GET /api/documents/search?type=%s → the files with that extension (a property of Object.prototype is no kind)',
    async (type) => {
      const tag = uniqueTag();
      const extension = type.toLowerCase();
      if (!/^[a-z0-9]{1,15}$/.test(extension)) {
        // Not an extension either: refused like any other unknown type.
        const response = await fetchSearch({ q: tag, type }, cookie);
        expect(response.status).toBe(400);
        expect((await response.json()).error.code).toBe('invalid_search');

        return;
      }
      await insertDocument({ name: `${tag}.${extension}` });
      await insertDocument({ name: `${tag}.txt` });
      expect(names(await search({ q: tag, type }, cookie))).toEqual([`${tag}.${extension}`]);
    },
  );

  it.each([
    ['\u0301', 'a combining acute accent alone'],
    ['\u0301\u0308', 'two combining marks'],
  ])(
    'GET /api/documents/search?q=%j (%s: nothing left once accents are ignored) → 200 with no result, not every document',
    async (q) => {
      await insertDocument({ name: `${uniqueTag()} café.txt` });
      const body = await search({ q }, cookie);
      expect(body).toMatchObject({ results: [], total: 0, isTotalCapped: false });
    },
  );
});
