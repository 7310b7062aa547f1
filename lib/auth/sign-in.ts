import { createHash } from 'node:crypto';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { addressKey } from '@/lib/auth/client-address';
import { recordSignIn } from '@/lib/auth/sign-in-audit';
import { getPool } from '@/lib/db';
import { checkCredentials, type PublicUser } from '@/lib/users/users';

export const ACCOUNT_FAILURES_PER_WINDOW = 10;
export const ADDRESS_FAILURES_PER_WINDOW = 50;
const WINDOW_SECONDS = 15 * 60;
// The store's key column is varchar(255): long emails are counted by their hash.
const MAX_KEY_LENGTH = 200;

/** A sign-in refused before the password was looked at; the message is what the login form shows. */
export class TooManyAttemptsError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many attempts, try again in ${retryAfterSeconds} s.`);
    this.name = 'TooManyAttemptsError';
  }
}

type Limiters = { account: RateLimiterPostgres; address: RateLimiterPostgres };
const globalForLimiters = globalThis as unknown as { signInLimiters?: Limiters };

/** Counters in Postgres ("SignInAttempt", created by a migration), so every instance shares them. */
const limiters = (): Limiters => {
  const create = (keyPrefix: string, points: number) =>
    new RateLimiterPostgres({
      storeClient: getPool(),
      storeType: 'pool',
      tableName: 'SignInAttempt',
      tableCreated: true,
      keyPrefix,
      points,
      duration: WINDOW_SECONDS,
    });

  return (globalForLimiters.signInLimiters ??= {
    account: create('account', ACCOUNT_FAILURES_PER_WINDOW),
    address: create('address', ADDRESS_FAILURES_PER_WINDOW),
  });
};

const accountKey = (email: string) => {
  const normalized = email.trim().toLowerCase();

  return normalized.length > MAX_KEY_LENGTH ? createHash('sha256').update(normalized).digest('hex') : normalized;
};

/** Takes one attempt from a counter; a counter already past its limit refuses with the time left. */
const take = async (limiter: RateLimiterPostgres, key: string) => {
  try {
    await limiter.consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes)
      throw new TooManyAttemptsError(Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
    throw error;
  }
};

/**
 * next-auth's authorize(): at most 10 failed sign-ins per account and 50 per client address in
 * 15 minutes (a fixed window from the first failure). Each attempt takes its point before the
 * password is checked, in one atomic statement per counter, so parallel guesses cannot slip
 * past the limit; a success gives the points back and clears the account's count. Refused
 * attempts throw TooManyAttemptsError without checking the password. Without a client address
 * (a server not behind lib/server/portal-listener.ts) only the account is counted. Every
 * attempt is an `auth.sign_in` audit event (lib/auth/sign-in-audit.ts), never with the password.
 */
export const signInWithPassword = async ({
  email,
  password,
  clientAddress,
}: {
  email: string;
  password: string;
  clientAddress?: string;
}): Promise<PublicUser | null> => {
  const { account, address } = limiters();
  const accountId = accountKey(email);
  const addressId = clientAddress ? addressKey(clientAddress) : undefined;
  try {
    await take(account, accountId);
    if (addressId) await take(address, addressId);
  } catch (error) {
    if (error instanceof TooManyAttemptsError)
      await recordSignIn({ email, clientAddress, refusal: 'rate_limited', retryAfterSeconds: error.retryAfterSeconds });
    throw error;
  }

  const checked = await checkCredentials(email, password);
  if (!checked.user) {
    await recordSignIn({ email, clientAddress, refusal: checked.reason, userId: checked.userId });

    return null;
  }
  await Promise.all([account.delete(accountId), addressId ? address.reward(addressId) : undefined]);
  await recordSignIn({ email, clientAddress, userId: checked.user.id });

  return checked.user;
};
