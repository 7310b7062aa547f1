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
    'GET /api/documents/search?q=%s (NUL, which Postgres text cannot hold) → 400 invalid_search, not 500',
    async (q) => {
      const response = await fetchSearch(`q=${q}`, cookie);
      expect(response.status).toBe(400);
      expect((await response.json()).error).toMatchObject({ code: 'invalid_search', message: /Search: / });
    },
  );

  it('GET /api/documents/search?to=9999-12-31 (the last day a date field takes) → 200, today’s documents included', async () => {
    const tag = uniqueTag();
    await insertDocument({ name: `${tag} now.txt` });
    for (const tz of ['UTC', 'Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
      expect(names(await search({ q: tag, to: '9999-12-31', tz }, cookie))).toEqual([`${tag} now.txt`]);
      expect(names(await search({ q: tag, from: '9999-12-31', to: '9999-12-31', tz }, cookie))).toEqual([]);
    }
  });
});
