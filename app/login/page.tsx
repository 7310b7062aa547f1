import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { LoginForm } from '@/components/login-form';
import { getUser } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

const safeReturnPath = (value: string | undefined) => (value?.startsWith('/') && !value.startsWith('//') ? value : '/');

const LoginPage = async ({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) => {
  const { callbackUrl } = await searchParams;
  const returnTo = safeReturnPath(callbackUrl);
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
