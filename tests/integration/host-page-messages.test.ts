import { describe, expect, it } from 'vitest';
import { addDocument, uniqueFolder } from '../support/documents';
import { makeUser, sessionCookie } from '../support/session';
import { apiRequest } from '../support/users-api';

// The host route's error pages are the portal's pages (lib/portal-page/message-page.ts): the
// header with the signed-in user, a heading, a way back, and words for the reader's role. The
// tier's portal has no editor configured (no WOPI_CLIENTS).

const open = async (id: string, mode: string, cookie: string) =>
  apiRequest(`/documents/${id}/${mode}`, { cookie, method: 'GET' });

describe('GET /documents/:id/(view|edit) error pages inside the portal frame', () => {
  it('GET /documents/:id/edit with no editor configured, as editor → 503 asking an administrator, no settings named', async () => {
    const user = await makeUser('editor');
    const folder = uniqueFolder('no-editor');
    const doc = await addDocument(folder, 'a.docx', 'x', user.id);
    const response = await open(doc.id, 'edit', await sessionCookie(user));
    expect(response.status).toBe(503);
    const html = await response.text();
    expect(html).toContain('Ask an administrator to connect an editor.');
    expect(html).not.toContain('WOPI_CLIENTS');
    expect(html).not.toContain('/admin/editors');
    expect(html).toContain('class="topbar"');
    expect(html).toContain(`data-testid="account-link">${user.name}</a>`);
    expect(html).toContain(`href="/?folder=${encodeURIComponent(folder)}" data-testid="error-back"`);
    expect(html).toMatch(/<h1 id="error-title">No editor is configured<\/h1>/);
  });

  it('GET /documents/:id/view with no editor configured, as admin → 503 naming WOPI_CLIENTS and linking /admin/editors', async () => {
    const admin = await makeUser('admin');
    const doc = await addDocument(uniqueFolder('no-editor-admin'), 'a.docx', 'x', admin.id);
    const html = await (await open(doc.id, 'view', await sessionCookie(admin))).text();
    expect(html).toContain('<code>WOPI_CLIENTS</code>');
    expect(html).toContain('<a href="/admin/editors">Editors</a> shows what the portal sees');
    expect(html).toContain('>Audit log</a>');
  });

  it('GET /documents/<unknown id>/view → 404 inside the frame with a way back to the list', async () => {
    const user = await makeUser('viewer');
    const response = await open('00000000-0000-4000-8000-000000000000', 'view', await sessionCookie(user));
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html).toContain('Document not found');
    expect(html).toContain('class="topbar"');
    expect(html).toContain('href="/" data-testid="error-back"');
    expect(response.headers.get('content-security-policy')).toMatch(/style-src 'nonce-/);
  });
});
