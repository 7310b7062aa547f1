'use client';

import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useState } from 'react';

export const RefreshDiscoveryButton = () => {
  const router = useRouter();
  const t = useTranslations('editors');
  const [state, setState] = useState<'idle' | 'busy' | 'failed'>('idle');

  const refresh = async () => {
    setState('busy');
    const response = await fetch('/api/admin/discovery/refresh', { method: 'POST' }).catch(() => null);
    setState(response?.ok ? 'idle' : 'failed');
    router.refresh();
  };

  return (
    <p>
      <button type="button" onClick={() => void refresh()} disabled={state === 'busy'} data-testid="refresh-discovery">
        {state === 'busy' ? t('refreshing') : t('refresh')}
      </button>{' '}
      {state === 'failed' ? <span className="error">{t('refreshFailed')}</span> : null}
    </p>
  );
};
