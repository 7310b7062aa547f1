import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { LoginForm } from '@/components/login-form';
import { safeCallbackPath } from '@/lib/auth/callback-url';
import { getUser } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

const LoginPage = async ({ searchParams }: { searchParams: Promise<{ callbackUrl?: string | string[] }> }) => {
  const { callbackUrl } = await searchParams;
  // Only a path on this site: "/\evil.example" and its encodings would leave it (lib/auth/callback-url.ts).
  const returnTo = safeCallbackPath(callbackUrl);
  if (await getUser()) redirect(returnTo);

  return (
    <main className="login">
      <h1>Documents</h1>
      <p className="muted">Sign in to browse and edit your documents.</p>
      <LoginForm returnTo={returnTo} />
    </main>
  );
};

export default LoginPage;
