import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_FAILURES_PER_WINDOW,
  ADDRESS_FAILURES_PER_WINDOW,
  signInWithPassword,
  TooManyAttemptsError,
} from '@/lib/auth/sign-in';
import { sql } from '@/lib/db';
import { createUser } from '@/lib/users/users';

// authorize() of POST /api/auth/callback/credentials, against the real Postgres counters
// (rate-limiter-flexible's store, table "SignInAttempt"): what every app instance shares.
// In-process on purpose: each test signs in from client addresses of its own, and over HTTP the
// address is the socket's (127.0.0.1, shared by every test file: 50 failures would lock all of
// them out). The sign-in form over HTTP: tests/integration/api/sign-in-audit.test.ts.
const PASSWORD = 'correct horse battery';
const newAccount = async () => {
  const email = `limit-${randomUUID()}@test.example`;
  await createUser({ email, password: PASSWORD, role: 'editor' });

  return email;
};
// A fresh client address per test: the counters outlive a test, the address must not be shared.
let nextHost = 1;
const newAddress = () => `198.51.${Math.floor(nextHost / 250)}.${(nextHost++ % 250) + 1}`;

const attempt = (email: string, password: string, clientAddress?: string) =>
  signInWithPassword({ email, password, clientAddress }).then(
    (user) => (user ? 'signed-in' : 'wrong'),
    (error: unknown) => {
      if (error instanceof TooManyAttemptsError) return 'refused';
      throw error;
    },
  );

describe('POST /api/auth/callback/credentials: failures are counted per account and per address', () => {
  it('limits are 10 failures per account and 50 per address per 15 minutes', () => {
    expect(ACCOUNT_FAILURES_PER_WINDOW).toBe(10);
    expect(ADDRESS_FAILURES_PER_WINDOW).toBe(50);
  });

  it('10 wrong passwords, then the right one → refused: "Too many attempts, try again in N s"', async () => {
    const email = await newAccount();
    const address = newAddress();
    for (let i = 0; i < ACCOUNT_FAILURES_PER_WINDOW; i++)
      expect(await attempt(email, 'wrong-password', address)).toBe('wrong');

    const refusal = await signInWithPassword({ email, password: PASSWORD, clientAddress: address }).catch(
      (e: unknown) => e,
    );
    expect(refusal).toBeInstanceOf(TooManyAttemptsError);
    const { message, retryAfterSeconds } = refusal as TooManyAttemptsError;
    expect(message).toMatch(/^Too many attempts, try again in \d+ s\.$/);
    expect(retryAfterSeconds).toBeGreaterThan(15 * 60 - 60);
    expect(retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
  });

  it('the account stays refused from every other address (the counter is per account)', async () => {
    const email = await newAccount();
    for (let i = 0; i < ACCOUNT_FAILURES_PER_WINDOW; i++) await attempt(email, 'wrong-password', newAddress());
    expect(await attempt(email, PASSWORD, newAddress())).toBe('refused');
    expect(await attempt(email, PASSWORD)).toBe('refused');
  });

  it('the account is the normalised email: " Limit-…@Test.Example " counts for the same account', async () => {
    const email = await newAccount();
    for (let i = 0; i < ACCOUNT_FAILURES_PER_WINDOW; i++)
      await attempt(` ${email.toUpperCase()} `, 'wrong', newAddress());
    expect(await attempt(email, PASSWORD, newAddress())).toBe('refused');
  });

  it('an unknown email is limited like a real one (no hint which accounts exist)', async () => {
    const email = `nobody-${randomUUID()}@test.example`;
    for (let i = 0; i < ACCOUNT_FAILURES_PER_WINDOW; i++)
      expect(await attempt(email, 'wrong', newAddress())).toBe('wrong');
    expect(await attempt(email, 'wrong', newAddress())).toBe('refused');
  });

  it('9 failures, a success, 9 failures → still signs in (a success clears the account counter)', async () => {
    const email = await newAccount();
    const address = newAddress();
    for (let i = 0; i < ACCOUNT_FAILURES_PER_WINDOW - 1; i++) await attempt(email, 'wrong', address);
    expect(await attempt(email, PASSWORD, address)).toBe('signed-in');
    for (let i = 0; i < ACCOUNT_FAILURES_PER_WINDOW - 1; i++)
      expect(await attempt(email, 'wrong', address)).toBe('wrong');
    expect(await attempt(email, PASSWORD, address)).toBe('signed-in');
  });

  it('30 wrong passwords at once → 10 checked, 20 refused (the count is one atomic statement)', async () => {
    const email = await newAccount();
    const results = await Promise.all(Array.from({ length: 30 }, () => attempt(email, 'wrong', newAddress())));
    expect(results.filter((r) => r === 'wrong')).toHaveLength(ACCOUNT_FAILURES_PER_WINDOW);
    expect(results.filter((r) => r === 'refused')).toHaveLength(30 - ACCOUNT_FAILURES_PER_WINDOW);
  });

  it('50 failures from one address over many accounts → that address is refused, others are not', async () => {
    const address = newAddress();
    for (let i = 0; i < ADDRESS_FAILURES_PER_WINDOW; i++)
      expect(await attempt(`spray-${i}-${randomUUID()}@test.example`, 'wrong', address)).toBe('wrong');

    const email = await newAccount();
    expect(await attempt(email, PASSWORD, address)).toBe('refused');
    expect(await attempt(email, PASSWORD, newAddress())).toBe('signed-in');
  }, 120_000);

  it('successful sign-ins from one address (an office behind NAT) never count', async () => {
    const email = await newAccount();
    const address = newAddress();
    for (let i = 0; i < ACCOUNT_FAILURES_PER_WINDOW + 2; i++)
      expect(await attempt(email, PASSWORD, address)).toBe('signed-in');
    const [row] = (
      await sql<{ points: number }>(`SELECT points FROM "SignInAttempt" WHERE key = $1`, [`address:${address}`])
    ).rows;
    expect(row?.points ?? 0).toBe(0);
  });

  it('the counters live in Postgres ("SignInAttempt"), so every app instance sees them', async () => {
    const email = await newAccount();
    await attempt(email, 'wrong', newAddress());
    const { rows } = await sql<{ key: string; points: number; expire: string }>(
      `SELECT key, points, expire FROM "SignInAttempt" WHERE key = $1`,
      [`account:${email}`],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.points).toBe(1);
    expect(Number(rows[0]!.expire)).toBeGreaterThan(Date.now());
  });
});
