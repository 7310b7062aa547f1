import { getServerSession } from 'next-auth';
import { getToken } from 'next-auth/jwt';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { safeCallbackPath } from '@/lib/auth/callback-url';
import { authOptions } from '@/lib/auth/options';
import { currentRequestPath } from '@/lib/auth/return-path';
import { env } from '@/lib/env';
import { getSessionUser, type PublicUser } from '@/lib/users/users';

/** The user of a request, with their chosen language (null: the browser's). */
export type SessionUser = PublicUser & { locale: string | null };

/**
 * The signed-in user as the database has them now: a role change, a deleted or disabled account
 * or a password reset takes effect on the next request, not when the session cookie expires.
 * Once per request (React cache): a layout and its page share the answer.
 */
export const getUser = cache(async (): Promise<SessionUser | null> => {
  const session = await getServerSession(authOptions);
  if (!session?.user.id) return null;

  return getSessionUser({ id: session.user.id, signedInAt: session.signedInAt });
});

/**
 * The signed-in user, or a redirect to /login that comes back to the page asked for, query
 * included (lib/auth/return-path.ts); `returnTo` when that is not known.
 */
export const requireUser = async (returnTo = '/'): Promise<SessionUser> => {
  const user = await getUser();
  if (!user) {
    const back = await currentRequestPath(safeCallbackPath(returnTo));
    redirect(`/login?callbackUrl=${encodeURIComponent(back)}`);
  }

  return user;
};

/** The signed-in admin; others are sent to the list with a notice (`/?notice=admin-only`). */
export const requireAdmin = async (returnTo = '/'): Promise<SessionUser> => {
  const user = await requireUser(returnTo);
  if (user.role !== 'admin') redirect('/?notice=admin-only');

  return user;
};

const parseCookies = (header: string | null) => {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) cookies.set(part.slice(0, eq).trim(), decodeURIComponent(part.slice(eq + 1).trim()));
  }

  return cookies;
};

/** The decoded next-auth session token of a request, or null. */
export const sessionTokenOf = (request: Request, { secureCookie }: { secureCookie?: boolean } = {}) =>
  getToken({
    req: { cookies: parseCookies(request.headers.get('cookie')), headers: request.headers } as never,
    secret: env.AUTH_SECRET,
    secureCookie,
  });

/** The session user of an API request, from its next-auth cookie (route handlers, tests); like getUser(). */
export const userFromRequest = async (request: Request): Promise<SessionUser | null> => {
  const token = await sessionTokenOf(request);
  if (!token?.uid) return null;

  return getSessionUser({ id: token.uid, signedInAt: token.signedInAt });
};
