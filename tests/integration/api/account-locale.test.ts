import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { makeUser, sessionCookie } from '../../support/session';
import { apiRequest } from '../../support/users-api';

const post = (body: unknown, { cookie, headers = {} }: { cookie?: string; headers?: Record<string, string> } = {}) =>
  apiRequest('/api/account/locale', { cookie, body, headers });

const savedLocale = async (id: string) => (await db.user.findUniqueOrThrow({ where: { id } })).locale;

describe('POST /api/account/locale', () => {
  it('without a session → 401', async () => {
    expect((await post({ locale: 'de' })).status).toBe(401);
  });

  it('from another site → 403 cross_site_request, nothing saved', async () => {
    const user = await makeUser('viewer');
    const response = await post(
      { locale: 'de' },
      {
        cookie: await sessionCookie(user),
        headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      },
    );
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('cross_site_request');
    expect(await savedLocale(user.id)).toBeNull();
  });

  it.each([[{ locale: 'es' }], [{ locale: '' }], [{ locale: 'DE' }], [{}], [{ locale: ['de'] }]])(
    '%j → 400 invalid_locale, nothing saved',
    async (body) => {
      const user = await makeUser('viewer');
      const response = await post(body, { cookie: await sessionCookie(user) });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_locale');
      expect(await savedLocale(user.id)).toBeNull();
    },
  );

  it('{locale: "de"} → 200, saved, and the locale cookie set; null → back to the browser’s, cookie cleared', async () => {
    const user = await makeUser('viewer');
    const cookie = await sessionCookie(user);
    const chosen = await post({ locale: 'de' }, { cookie });
    expect(chosen.status).toBe(200);
    expect(await chosen.json()).toEqual({ locale: 'de' });
    expect(chosen.headers.get('set-cookie')).toMatch(/^locale=de; Path=\/; Max-Age=\d+; SameSite=Lax$/);
    expect(await savedLocale(user.id)).toBe('de');

    const cleared = await post({ locale: null }, { cookie });
    expect(cleared.status).toBe(200);
    expect(await cleared.json()).toEqual({ locale: null });
    expect(cleared.headers.get('set-cookie')).toMatch(/^locale=; Path=\/; Max-Age=0/);
    expect(await savedLocale(user.id)).toBeNull();
  });
});
