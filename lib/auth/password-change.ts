import { ApiError } from '@/lib/api/errors';
import { renewedSessionCookie } from '@/lib/auth/renew-session';
import type { SessionUser } from '@/lib/auth/session';
import { signInWithPassword, TooManyAttemptsError } from '@/lib/auth/sign-in';
import { changeOwnPassword } from '@/lib/users/account';

/**
 * POST /api/account/password: the session user's own password change. The current password is
 * checked as a sign-in is (its per-account failure limit; past it a 429), the user's other
 * sessions end, and the answer's Set-Cookie value renews this one (null without a session cookie).
 */
export const changePasswordInSession = async ({
  request,
  user,
  input,
}: {
  request: Request;
  user: SessionUser;
  input: unknown;
}) => {
  const isCurrentPassword = async (password: string) => {
    try {
      return (await signInWithPassword({ email: user.email, password }))?.id === user.id;
    } catch (error) {
      if (!(error instanceof TooManyAttemptsError)) throw error;
      throw new ApiError(429, 'too_many_attempts', error.message, { retryAfterSeconds: error.retryAfterSeconds });
    }
  };
  const { signedInAt } = await changeOwnPassword({ user, input, isCurrentPassword });

  return renewedSessionCookie(request, signedInAt);
};
