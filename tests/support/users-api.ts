import { encode } from 'next-auth/jwt';
import { POST as changeOwnPassword } from '@/app/api/account/password/route';
import { POST as disableUser } from '@/app/api/admin/users/[id]/disable/route';
import { POST as enableUser } from '@/app/api/admin/users/[id]/enable/route';
import { POST as resetPassword } from '@/app/api/admin/users/[id]/password/route';
import { POST as setRole } from '@/app/api/admin/users/[id]/role/route';
import { GET as listUsers, POST as addUser } from '@/app/api/admin/users/route';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import type { PublicUser } from '@/lib/users/users';
import { emptyContext } from './session';

// Route handlers called with real Requests, as Next.js hands them over: `host` is the portal's
// own host; Origin / Sec-Fetch-Site are what a browser adds (none: a script, which passes).
const HOST = '127.0.0.1:3000';
export const SELF = `http://${HOST}`;

type Options = { cookie?: string; body?: unknown; method?: string; headers?: Record<string, string> };

export const apiRequest = (path: string, { cookie, body, method = 'POST', headers = {} }: Options = {}) =>
  new Request(`${SELF}${path}`, {
    method,
    headers: {
      host: HOST,
      ...(cookie ? { cookie } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });

const idContext = (id: string) => ({ params: Promise.resolve({ id }) });
type Call = { cookie?: string; body?: unknown; headers?: Record<string, string> };

/** Every users route, in-process. */
export const usersApi = {
  list: ({ cookie, headers }: Call = {}) =>
    listUsers(apiRequest('/api/admin/users', { cookie, method: 'GET', headers }), emptyContext),
  add: ({ cookie, body, headers }: Call) =>
    addUser(apiRequest('/api/admin/users', { cookie, body, headers }), emptyContext),
  role: (id: string, { cookie, body, headers }: Call) =>
    setRole(apiRequest(`/api/admin/users/${id}/role`, { cookie, body, headers }), idContext(id)),
  disable: (id: string, { cookie, headers }: Call) =>
    disableUser(apiRequest(`/api/admin/users/${id}/disable`, { cookie, headers }), idContext(id)),
  enable: (id: string, { cookie, headers }: Call) =>
    enableUser(apiRequest(`/api/admin/users/${id}/enable`, { cookie, headers }), idContext(id)),
  password: (id: string, { cookie, body, headers }: Call) =>
    resetPassword(apiRequest(`/api/admin/users/${id}/password`, { cookie, body, headers }), idContext(id)),
  changeOwn: ({ cookie, body, headers }: Call) =>
    changeOwnPassword(apiRequest('/api/account/password', { cookie, body, headers }), emptyContext),
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
