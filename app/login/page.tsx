import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { LoginForm } from '@/components/login-form';
import { safeCallbackPath } from '@/lib/auth/callback-url';
import { getUser } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

type Params = { callbackUrl?: string | string[]; notice?: string | string[] };

// What the sign-in page says after a redirect with ?notice=… (an unknown value says nothing).
const NOTICES: Record<string, string> = {
  'signed-out': 'You are signed out.',
};

const LoginPage = async ({ searchParams }: { searchParams: Promise<Params> }) => {
  const { callbackUrl, notice } = await searchParams;
  // Only a path on this site: "/\evil.example" and its encodings would leave it (lib/auth/callback-url.ts).
  const returnTo = safeCallbackPath(callbackUrl);
  if (await getUser()) redirect(returnTo);
  const message = typeof notice === 'string' ? NOTICES[notice] : undefined;

  return (
    <main className="login" id="main">
      <h1>Documents</h1>
      {message ? (
        <p className="notice" role="status" data-testid="notice">
          {message}
        </p>
      ) : null}
      <p className="muted">
        {returnTo === '/'
          ? 'Sign in to browse and edit your documents.'
          : 'Sign in to continue; you will come back to the page you asked for.'}
      </p>
      <LoginForm returnTo={returnTo} />
    </main>
  );
};

export default LoginPage;
