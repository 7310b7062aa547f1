import type { Metadata } from 'next';
import { RefreshDiscoveryButton } from '@/components/refresh-discovery-button';
import { requireAdmin } from '@/lib/auth/session';
import { editorDiagnostics } from '@/lib/discovery/diagnostics';
import { publicUrl } from '@/lib/env';

export const metadata: Metadata = { title: 'Editors' };
export const dynamic = 'force-dynamic';

const when = (date: Date | null) => (date ? `${date.toISOString().replace('T', ' ').slice(0, 19)} UTC` : 'never');

/** Admin diagnostics: each configured WOPI client, its discovery and the URL editors call back. */
const EditorsPage = async () => {
  await requireAdmin('/admin/editors');
  const editors = await editorDiagnostics();

  return (
    <>
      <h1>Editors</h1>
      <p>
        Editors call this host back at <code data-testid="public-url">{publicUrl()}</code> (<code>PUBLIC_URL</code>). It
        must be reachable from the editor servers, and proof keys sign exactly this address.
      </p>
      <RefreshDiscoveryButton />
      {editors.length === 0 ? (
        <p className="empty" data-testid="no-editors">
          No editor is configured. Set <code>WOPI_CLIENTS</code>, e.g.{' '}
          <code>collabora=http://localhost:9980/hosting/discovery</code>.
        </p>
      ) : null}
      {editors.map((editor) => (
        <section key={editor.name} className="card stack" data-testid="editor-card">
          <h2>{editor.name}</h2>
          <dl className="facts">
            <dt>Discovery</dt>
            <dd>
              <code>{editor.discoveryUrl}</code>
            </dd>
            <dt>Last fetched</dt>
            <dd data-testid="fetched-at">{when(editor.fetchedAt)}</dd>
            <dt>Last attempt</dt>
            <dd>{when(editor.lastAttemptAt)}</dd>
            <dt>Last error</dt>
            <dd className={editor.lastError ? 'error' : 'muted'} data-testid="last-error">
              {editor.lastError ?? 'none'}
            </dd>
            <dt>Net zone</dt>
            <dd>{editor.zone ?? '—'}</dd>
            <dt>Apps</dt>
            <dd>{editor.apps.join(', ') || '—'}</dd>
            <dt>Actions</dt>
            <dd>{editor.actions.join(', ') || '—'}</dd>
            <dt>Extensions</dt>
            <dd data-testid="extensions">{editor.extensions.join(', ') || '—'}</dd>
            <dt>Proof key</dt>
            <dd>
              <code>{editor.proofKeyFingerprint ?? 'none published (requests are not signed)'}</code>
              {editor.oldProofKeyFingerprint ? (
                <>
                  {' '}
                  · old <code>{editor.oldProofKeyFingerprint}</code>
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
