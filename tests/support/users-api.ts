import { encode } from 'next-auth/jwt';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import type { PublicUser } from '@/lib/users/users';
import { portalFetch, type PortalCall } from './portal-http';

/**
 * One request to the portal over real HTTP (tests/support/portal-http.ts): POST with a JSON body
 * unless `method` says otherwise; no Origin / Sec-Fetch-Site (a script, which the CSRF check
 * lets pass) unless `headers` add them.
 */
export const apiRequest = (path: string, options: PortalCall = {}) => portalFetch(path, options);

type Call = { cookie?: string; body?: unknown; headers?: Record<string, string> };

/** Every users route, over HTTP to the production portal. */
export const usersApi = {
  list: ({ cookie, headers }: Call = {}) => apiRequest('/api/admin/users', { cookie, method: 'GET', headers }),
  add: ({ cookie, body, headers }: Call) => apiRequest('/api/admin/users', { cookie, body, headers }),
  role: (id: string, { cookie, body, headers }: Call) =>
    apiRequest(`/api/admin/users/${id}/role`, { cookie, body, headers }),
  disable: (id: string, { cookie, headers }: Call) => apiRequest(`/api/admin/users/${id}/disable`, { cookie, headers }),
  enable: (id: string, { cookie, headers }: Call) => apiRequest(`/api/admin/users/${id}/enable`, { cookie, headers }),
  password: (id: string, { cookie, body, headers }: Call) =>
    apiRequest(`/api/admin/users/${id}/password`, { cookie, body, headers }),
  changeOwn: ({ cookie, body, headers }: Call) => apiRequest('/api/account/password', { cookie, body, headers }),
};

/** A next-auth session cookie for `user` as sign-in sets it, signed in at `signedInAt` (epoch ms). */
export const sessionCookieAt = async (user: PublicUser, signedInAt = Date.now()) => {
  const token = await encode({
    token: { sub: user.id, uid: user.id, role: user.role, email: user.email, name: user.name, signedInAt },
    secret: env.AUTH_SECRET!,
  });

  return `next-auth.session-token=${token}`;
};

/** The `name=value` part of a Set-Cookie header, to send back as a Cookie header. */
export const cookieOf = (response: Response) => response.headers.get('set-cookie')?.split(';')[0] ?? '';

/** The audit events recorded about `userId` (details.targetUserId), oldest first. */
export const auditAbout = (userId: string, action?: string) =>
  db.auditEvent.findMany({
    where: { action, details: { path: ['targetUserId'], equals: userId } },
    orderBy: { id: 'asc' },
    select: { action: true, outcome: true, userId: true, details: true },
  });

/**
 * next-auth's credentials sign-in over HTTP, as the login form sends it (GET /api/auth/csrf,
 * then POST /api/auth/callback/credentials): `cookie` is the session cookie when it succeeded
 * ('' otherwise), `error` next-auth's error code when it did not ('CredentialsSignin' for a wrong
 * email or password).
 */
export const signIn = async (email: string, password: string, headers: Record<string, string> = {}) => {
  const csrf = await portalFetch('/api/auth/csrf', { method: 'GET', headers });
  const csrfCookie = csrf.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await portalFetch('/api/auth/callback/credentials', {
    cookie: csrfCookie,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ csrfToken, email, password, json: 'true' }),
  });
  const session = response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0]!)
    .find((pair) => pair.startsWith('next-auth.session-token='));
  const { url } = (await response.json()) as { url: string };

  return { status: response.status, cookie: session ?? '', error: new URL(url).searchParams.get('error') };
};

/**
 * A sign-in over HTTP (`signIn`) reduced to what next-auth's authorize() decided: `{ id, email }` of
 * the signed-in user (read back through GET /api/auth/session), or null when the sign-in was
 * refused ("Wrong email or password.").
 */
export const authorize = async (email: string, password: string) => {
  const { cookie, error } = await signIn(email, password);
  if (error || !cookie) return null;
  const session = (await (await apiRequest('/api/auth/session', { cookie, method: 'GET' })).json()) as {
    user?: { id: string; email: string };
  };

  return session.user ? { id: session.user.id, email: session.user.email } : null;
};
