import type { Metadata } from 'next';
import { getFormatter, getTranslations } from 'next-intl/server';
import { RefreshDiscoveryButton } from '@/components/refresh-discovery-button';
import { requireAdmin } from '@/lib/auth/session';
import { editorDiagnostics } from '@/lib/discovery/diagnostics';
import { publicUrl } from '@/lib/env';

export const generateMetadata = async (): Promise<Metadata> => ({ title: (await getTranslations('editors'))('title') });
export const dynamic = 'force-dynamic';

/** Admin diagnostics: each configured WOPI client, its discovery and the URL editors call back. */
const EditorsPage = async () => {
  await requireAdmin('/admin/editors');
  const editors = await editorDiagnostics();
  const t = await getTranslations('editors');
  const format = await getFormatter();
  const when = (date: Date | null) =>
    date
      ? format.dateTime(date, {
          year: 'numeric',
          month: 'short',
          day: 'numeric',
          hour: '2-digit',
          minute: '2-digit',
          second: '2-digit',
          timeZoneName: 'short',
        })
      : t('never');
  const code = (chunks: React.ReactNode) => <code>{chunks}</code>;

  return (
    <>
      <h1>{t('title')}</h1>
      <p>{t.rich('callback', { url: () => <code data-testid="public-url">{publicUrl()}</code>, code })}</p>
      <RefreshDiscoveryButton />
      {editors.length === 0 ? (
        <p className="empty" data-testid="no-editors">
          {t.rich('none', { code, example: () => <code>collabora=http://localhost:9980/hosting/discovery</code> })}
        </p>
      ) : null}
      {editors.map((editor) => (
        <section key={editor.name} className="card stack" data-testid="editor-card">
          <h2>{editor.name}</h2>
          <dl className="facts">
            <dt>{t('discovery')}</dt>
            <dd>
              <code>{editor.discoveryUrl}</code>
            </dd>
            <dt>{t('lastFetched')}</dt>
            <dd data-testid="fetched-at">{when(editor.fetchedAt)}</dd>
            <dt>{t('lastAttempt')}</dt>
            <dd>{when(editor.lastAttemptAt)}</dd>
            <dt>{t('lastError')}</dt>
            <dd className={editor.lastError ? 'error' : 'muted'} data-testid="last-error">
              {editor.lastError ?? t('noError')}
            </dd>
            <dt>{t('netZone')}</dt>
            <dd>{editor.zone ?? '—'}</dd>
            <dt>{t('apps')}</dt>
            <dd>{editor.apps.join(', ') || '—'}</dd>
            <dt>{t('actions')}</dt>
            <dd>{editor.actions.join(', ') || '—'}</dd>
            <dt>{t('extensions')}</dt>
            <dd data-testid="extensions">{editor.extensions.join(', ') || '—'}</dd>
            <dt>{t('proofKey')}</dt>
            <dd>
              <code>{editor.proofKeyFingerprint ?? t('noProofKey')}</code>
              {editor.oldProofKeyFingerprint ? (
                <>
                  {' '}
                  · {t('old')} <code>{editor.oldProofKeyFingerprint}</code>
                </>
              ) : null}
            </dd>
          </dl>
        </section>
      ))}
    </>
  );
};

export default EditorsPage;
