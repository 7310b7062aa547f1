import { encode } from 'next-auth/jwt';
import { SESSION_MAX_AGE_SECONDS } from '@/lib/auth/options';
import { sessionTokenOf } from '@/lib/auth/session';
import { env } from '@/lib/env';

const COOKIE = 'next-auth.session-token';
// next-auth prefixes its cookies with __Secure- when the portal is served over https.
const SECURE_COOKIE = `__Secure-${COOKIE}`;

/**
 * A Set-Cookie value that replaces the request's next-auth session cookie with the same session
 * marked as signed in at `signedInAt`: after a password change the user's other sessions end and
 * this one goes on. Null when the request has no valid session cookie.
 */
export const renewedSessionCookie = async (request: Request, signedInAt: number): Promise<string | null> => {
  const isSecure = (request.headers.get('cookie') ?? '').split(';').some((part) => {
    const name = part.split('=')[0]?.trim();

    return name === SECURE_COOKIE;
  });
  const token = await sessionTokenOf(request, { secureCookie: isSecure });
  if (!token) return null;
  const value = await encode({
    token: { ...token, signedInAt },
    secret: env.AUTH_SECRET!,
    maxAge: SESSION_MAX_AGE_SECONDS,
  });
  const expires = new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000).toUTCString();

  return `${isSecure ? SECURE_COOKIE : COOKIE}=${value}; Path=/; Expires=${expires}; HttpOnly; SameSite=Lax${isSecure ? '; Secure' : ''}`;
};
