import { jsonBodyOrEmpty, withUser } from '@/lib/api/handler';
import { localeCookie } from '@/lib/i18n/cookie';
import { setUserLocale } from '@/lib/users/locale';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** POST {locale: 'en'|'de'|'fr'|null} → {locale}: the user's language (null: the browser's); the cookie follows it. */
export const POST = withUser(async ({ request, user }) => {
  const body: unknown = await jsonBodyOrEmpty(request);
  const locale = await setUserLocale({ userId: user.id, input: body });

  return Response.json({ locale }, { headers: { 'set-cookie': localeCookie(locale) } });
});
