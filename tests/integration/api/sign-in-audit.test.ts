/**
 * Sign-in and sign-out audit events, through the whole portal as `npm start` serves it
 * (scripts/lib/portal.ts startPortal): next-auth's real forms over HTTP, the client address as
 * the portal listener sees it, and the events read back through GET /api/admin/audit.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_FAILURES_PER_WINDOW } from '@/lib/auth/sign-in';
import { ACCOUNTS, type Portal } from '../../../scripts/lib/portal';
import { startCapturedPortal } from '../../support/captured-portal';

const PASSWORD = 'correct horse battery';
const WRONG = 'a-wrong-password-123';

let portal: Portal;
let base: string;
let adminCookie = '';
const output: string[] = [];

type AuditEvent = {
  action: string;
  outcome: string;
  user: { id: string; email: string | null } | null;
  details: Record<string, unknown> | null;
};

const cookieJar = (response: Response, jar: Map<string, string>) => {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
  }

  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
};

/** next-auth's credentials sign-in, as the login form sends it; answers next-auth's `error` and the cookies. */
const signIn = async (email: string, password: string) => {
  const jar = new Map<string, string>();
  const csrf = await fetch(`${base}/api/auth/csrf`);
  let cookie = cookieJar(csrf, jar);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ csrfToken, email, password, json: 'true' }),
  });
  cookie = cookieJar(response, jar);
  const { url } = (await response.json()) as { url: string };

  return { cookie, jar, csrfToken, error: new URL(url).searchParams.get('error') };
};

const adminPost = (path: string, body?: unknown) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { cookie: adminCookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const addUser = async (role: 'editor' | 'viewer' = 'editor') => {
  const email = `audit-${randomUUID()}@test.example`;
  const response = await adminPost('/api/admin/users', { email, password: PASSWORD, role });
  expect(response.status).toBe(201);
  const { user } = (await response.json()) as { user: { id: string } };

  return { email, id: user.id };
};

/** The newest sign-in/out events (GET /api/admin/audit, as the audit page filters them). */
const events = async (query: Record<string, string>) => {
  const response = await fetch(`${base}/api/admin/audit?${new URLSearchParams(query).toString()}`, {
    headers: { cookie: adminCookie },
  });
  expect(response.status).toBe(200);

  return ((await response.json()) as { events: AuditEvent[] }).events;
};
const signInEventsFor = async (email: string) =>
  (await events({ action: 'auth.sign_in' })).filter((event) => event.details?.email === email);

beforeAll(async () => {
  portal = await startCapturedPortal('sign-in-audit', output);
  base = portal.baseUrl;
  const admin = await signIn(ACCOUNTS.ADMIN.email, ACCOUNTS.ADMIN.password);
  expect(admin.error).toBeNull();
  adminCookie = admin.cookie;
}, 300_000);

afterAll(async () => {
  await portal?.stop();
});

describe('POST /api/auth/callback/credentials records an auth.sign_in audit event', () => {
  it('a successful sign-in → auth.sign_in success with the user and the client address', async () => {
    const { email, id } = await addUser();
    expect((await signIn(email, PASSWORD)).error).toBeNull();
    const [event] = await events({ action: 'auth.sign_in', user: email });
    expect(event).toMatchObject({ action: 'auth.sign_in', outcome: 'success', user: { id, email } });
    expect(event!.details).toEqual({ email, address: '127.0.0.1' });
  });

  it('a wrong password → auth.sign_in failure, reason wrong_password, the account as user, no password stored', async () => {
    const { email, id } = await addUser();
    expect((await signIn(email, WRONG)).error).toBe('CredentialsSignin');
    const [event] = await events({ action: 'auth.sign_in', user: email, outcome: 'failure' });
    expect(event).toMatchObject({ outcome: 'failure', user: { id } });
    expect(event!.details).toEqual({ reason: 'wrong_password', email, address: '127.0.0.1' });
    expect(JSON.stringify(event)).not.toContain(WRONG);
  });

  it('an unknown email → auth.sign_in failure, reason unknown_email, no user, the email as typed (lower case)', async () => {
    const email = `Nobody-${randomUUID()}@Test.Example`;
    expect((await signIn(email, WRONG)).error).toBe('CredentialsSignin');
    const found = await signInEventsFor(email.toLowerCase());
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ outcome: 'failure', user: null });
    expect(found[0]!.details).toEqual({ reason: 'unknown_email', email: email.toLowerCase(), address: '127.0.0.1' });
  });

  it('a disabled account with the right password → auth.sign_in failure, reason disabled', async () => {
    const { email, id } = await addUser('viewer');
    expect((await adminPost(`/api/admin/users/${id}/disable`)).status).toBe(200);
    expect((await signIn(email, PASSWORD)).error).toBe('CredentialsSignin');
    const [event] = await events({ action: 'auth.sign_in', user: email });
    expect(event).toMatchObject({ outcome: 'failure', user: { id }, details: { reason: 'disabled' } });
  });

  it('past the account limit → auth.sign_in denied, reason rate_limited, with the seconds to wait', async () => {
    const { email, id } = await addUser();
    for (let i = 0; i < ACCOUNT_FAILURES_PER_WINDOW; i++) await signIn(email, WRONG);
    const refused = await signIn(email, PASSWORD);
    expect(refused.error).toMatch(/^Too many attempts/);
    const [event] = await events({ action: 'auth.sign_in', user: email, outcome: 'denied' });
    expect(event).toMatchObject({ outcome: 'denied', user: { id }, details: { reason: 'rate_limited', email } });
    expect(event!.details!.retryAfterSeconds).toEqual(expect.any(Number));
    expect(await events({ action: 'auth.sign_in', user: email, outcome: 'failure' })).toHaveLength(
      ACCOUNT_FAILURES_PER_WINDOW,
    );
    expect(await events({ action: 'auth.sign_in', user: email, outcome: 'success' })).toHaveLength(0);
  });
});

describe('POST /api/auth/signout records an auth.sign_out audit event', () => {
  it('signing out → auth.sign_out success for that user, with the client address', async () => {
    const { email, id } = await addUser();
    const session = await signIn(email, PASSWORD);
    expect(await events({ action: 'auth.sign_out', user: email })).toHaveLength(0);
    const response = await fetch(`${base}/api/auth/signout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
      body: new URLSearchParams({ csrfToken: session.csrfToken, json: 'true' }),
    });
    expect(response.status).toBeLessThan(400);
    const [event] = await events({ action: 'auth.sign_out', user: email });
    expect(event).toMatchObject({ action: 'auth.sign_out', outcome: 'success', user: { id } });
    expect(event!.details).toEqual({ address: '127.0.0.1' });
  });

  it('GET /api/admin/audit?action=auth.* → sign-ins and sign-outs together (the audit page filter)', async () => {
    const found = await events({ action: 'auth.*', user: ACCOUNTS.ADMIN.email });
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((event) => event.action.startsWith('auth.'))).toBe(true);
  });
});
