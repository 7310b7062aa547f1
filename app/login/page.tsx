import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { redirect } from 'next/navigation';
import { LoginForm } from '@/components/login-form';
import { LoginLanguageSelect } from '@/components/login-language-select';
import { safeCallbackPath } from '@/lib/auth/callback-url';
import { getUser } from '@/lib/auth/session';

export const generateMetadata = async (): Promise<Metadata> => ({ title: (await getTranslations('login'))('title') });
export const dynamic = 'force-dynamic';

type Params = { callbackUrl?: string | string[]; notice?: string | string[] };

// What the sign-in page says after a redirect with ?notice=… (an unknown value says nothing).
const NOTICES: Record<string, 'signedOut'> = {
  'signed-out': 'signedOut',
};

const LoginPage = async ({ searchParams }: { searchParams: Promise<Params> }) => {
  const { callbackUrl, notice } = await searchParams;
  // Only a path on this site: "/\evil.example" and its encodings would leave it (lib/auth/callback-url.ts).
  const returnTo = safeCallbackPath(callbackUrl);
  if (await getUser()) redirect(returnTo);
  const t = await getTranslations('login');
  const notices = await getTranslations('notices');
  const noticeKey = typeof notice === 'string' ? NOTICES[notice] : undefined;
  const message = noticeKey ? notices(noticeKey) : undefined;

  return (
    <main className="login" id="main">
      <h1>{t('heading')}</h1>
      {message ? (
        <p className="notice" role="status" data-testid="notice">
          {message}
        </p>
      ) : null}
      <p className="muted">{returnTo === '/' ? t('intro') : t('introReturn')}</p>
      <LoginForm returnTo={returnTo} />
      <LoginLanguageSelect />
    </main>
  );
};

export default LoginPage;
