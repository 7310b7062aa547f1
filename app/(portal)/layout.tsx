import { getTranslations } from 'next-intl/server';
import type { ReactNode } from 'react';
import { PortalShell } from '@/components/portal-shell';
import { requireUser } from '@/lib/auth/session';

export const dynamic = 'force-dynamic';

const PortalLayout = async ({ children }: { children: ReactNode }) => {
  const user = await requireUser();
  const t = await getTranslations('app');

  return (
    <PortalShell user={user}>
      <h1 className="visually-hidden">{t('title')}</h1>
      {children}
    </PortalShell>
  );
};

export default PortalLayout;
