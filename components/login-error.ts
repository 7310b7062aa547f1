// The rate limit's refusal as next-auth passes it on (lib/auth/sign-in.ts TooManyAttemptsError).
const TOO_MANY_ATTEMPTS = /^Too many attempts, try again in (\d+) s\.$/;

/**
 * next-auth's sign-in error as a `login` message key and its values: a wrong email or password
 * → wrongCredentials, the rate limit's "Too many attempts, try again in N s." → tooManyAttempts
 * with `seconds` (said in the page's language), anything else → failed.
 */
export const loginErrorMessage = (error: string | null | undefined) => {
  if (!error || error === 'CredentialsSignin') return { key: 'wrongCredentials' as const };
  const seconds = TOO_MANY_ATTEMPTS.exec(error)?.[1];

  return seconds ? { key: 'tooManyAttempts' as const, seconds: Number(seconds) } : { key: 'failed' as const };
};
