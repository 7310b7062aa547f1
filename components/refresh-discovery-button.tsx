'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';

export const RefreshDiscoveryButton = () => {
  const router = useRouter();
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
        {state === 'busy' ? 'Refreshing…' : 'Refresh discovery now'}
      </button>{' '}
      {state === 'failed' ? <span className="error">The refresh request failed.</span> : null}
    </p>
  );
};
