import type { Metadata } from 'next';
import { NextIntlClientProvider } from 'next-intl';
import { getLocale, getTranslations } from 'next-intl/server';
import type { ReactNode } from 'react';
import './globals.css';

export const generateMetadata = async (): Promise<Metadata> => {
  const t = await getTranslations('app');

  return { title: { default: t('title'), template: `%s · ${t('title')}` }, description: t('description') };
};

/** The language of every page is the request's (lib/i18n/request.ts); client components get its messages. */
const RootLayout = async ({ children }: { children: ReactNode }) => (
  <html lang={await getLocale()}>
    <body>
      <NextIntlClientProvider>{children}</NextIntlClientProvider>
    </body>
  </html>
);

export default RootLayout;
