import { jsonBodyOrEmpty, withUser } from '@/lib/api/handler';
import { changePasswordInSession } from '@/lib/auth/password-change';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** POST {currentPassword, newPassword} → {ok}: the user's other sessions end, this one is renewed (Set-Cookie). */
export const POST = withUser(async ({ request, user }) => {
  const body: unknown = await jsonBodyOrEmpty(request);
  const cookie = await changePasswordInSession({ request, user, input: body });

  return Response.json({ ok: true }, { headers: cookie ? { 'set-cookie': cookie } : {} });
});
