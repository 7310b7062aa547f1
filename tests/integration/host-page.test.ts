import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { verifyAccessToken } from '@/lib/tokens/tokens';
import { addDocument, uniqueFolder } from '../support/documents';
import type { Portal } from '../../scripts/lib/portal';
import { startTierPortal } from '../support/captured-portal';
import { sendApiCallsTo } from '../support/portal-http';
import { makeUser, sessionCookie } from '../support/session';
import { apiRequest } from '../support/users-api';
import { tokenFor, wopi } from '../support/wopi';

let server: Server;
let discoveryUrl: string;
let isEditorUp = true;
// The tier's portal has no editor configured; the tests "with an editor" get a production portal
// of their own with WOPI_CLIENTS=writer=<the discovery server below>.
let withEditor: Portal | undefined;
const output: string[] = [];

const DISCOVERY = `<wopi-discovery><net-zone name="external-http"><app name="Writer">
<action name="edit" ext="docx" urlsrc="http://127.0.0.1:9/cool.html?&lt;ui=UI_LLCC&amp;&gt;"/>
<action name="view" ext="docx" urlsrc="http://127.0.0.1:9/view.html?&lt;ui=UI_LLCC&amp;&gt;"/>
<action name="editnew" ext="docx" urlsrc="http://127.0.0.1:9/new.html?"/>
</app></net-zone></wopi-discovery>`;

beforeAll(async () => {
  server = createServer((_, response) => {
    if (!isEditorUp) return void response.writeHead(502).end('bad gateway');
    response.writeHead(200, { 'Content-Type': 'text/xml' }).end(DISCOVERY);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  discoveryUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/hosting/discovery`;
});
afterAll(async () => {
  sendApiCallsTo(undefined);
  await withEditor?.stop();
  await new Promise((resolve) => server.close(resolve));
});

const open = async (id: string, mode: string, cookie?: string, query = '') =>
  apiRequest(`/documents/${id}/${mode}${query}`, {
    cookie,
    method: 'GET',
    headers: { 'accept-language': 'de-DE,de;q=0.9' },
  });

describe('GET /documents/:id/(view|edit) — the editor host page', () => {
  it('without a session → 303 to /login with the way back', async () => {
    const response = await open('00000000-0000-0000-0000-000000000000', 'edit');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/login\?callbackUrl=%2Fdocuments%2F/);
  });

  it('no editor configured, as admin → 503 page naming WOPI_CLIENTS', async () => {
    const user = await makeUser('admin');
    const doc = await addDocument(uniqueFolder(), 'a.docx', 'x', user.id);
    const response = await open(doc.id, 'edit', await sessionCookie(user));
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('WOPI_CLIENTS');
  });

  describe('with an editor', () => {
    beforeAll(async () => {
      withEditor = await startTierPortal('host-page', output, { WOPI_CLIENTS: `writer=${discoveryUrl}` });
      sendApiCallsTo(withEditor.baseUrl);
    }, 240_000);

    it('edit → 200 page: token POSTed by a form (never in a URL), no-store, CSP frame-src = editor origin, UI_LLCC from Accept-Language', async () => {
      const user = await makeUser('editor');
      const doc = await addDocument(uniqueFolder(), 'Plan.docx', 'x', user.id);
      const response = await open(doc.id, 'edit', await sessionCookie(user));
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const csp = response.headers.get('content-security-policy')!;
      expect(csp).toContain('frame-src http://127.0.0.1:9');
      expect(csp).toMatch(/script-src 'nonce-[^']+'/);
      const html = await response.text();
      const config = JSON.parse(/const config = (\{.*?\});/s.exec(html)![1]!) as {
        actionUrl: string;
        accessToken: string;
        accessTokenTtl: string;
      };
      expect(config.actionUrl).toMatch(/^http:\/\/127\.0\.0\.1:9\/cool\.html\?ui=de-DE&WOPISrc=http%3A%2F%2F/);
      expect(config.actionUrl).not.toContain('access_token');
      const claims = await verifyAccessToken(config.accessToken);
      expect(claims).toMatchObject({ documentId: doc.id, userId: user.id, client: 'writer' });
      expect(claims!.permissions).toContain('write');
      expect(Number(config.accessTokenTtl)).toBe(claims!.expiresAt);
    });

    it('the user’s saved language beats Accept-Language: UI_LLCC=fr-FR and the page in French', async () => {
      const user = await makeUser('editor');
      await db.user.update({ where: { id: user.id }, data: { locale: 'fr' } });
      const doc = await addDocument(uniqueFolder(), 'Plan.docx', 'x', user.id);
      const html = await (await open(doc.id, 'edit', await sessionCookie(user))).text();
      const config = JSON.parse(/const config = (\{.*?\});/s.exec(html)![1]!) as { actionUrl: string };
      expect(config.actionUrl).toMatch(/\?ui=fr-FR&WOPISrc=/);
      expect(html).toContain('<html lang="fr">');
      expect(html).toContain('data-testid="history-link">Versions</a>');
    });

    it('viewer asking for edit → 303 to view; view mints a read-only token', async () => {
      const viewer = await makeUser('viewer');
      const doc = await addDocument(uniqueFolder(), 'Plan.docx', 'x', null);
      const cookie = await sessionCookie(viewer);
      const redirect = await open(doc.id, 'edit', cookie);
      expect(redirect.status).toBe(303);
      expect(redirect.headers.get('location')).toBe(`/documents/${doc.id}/view`);
      const html = await (await open(doc.id, 'view', cookie)).text();
      const config = JSON.parse(/const config = (\{.*?\});/s.exec(html)![1]!) as {
        actionUrl: string;
        accessToken: string;
      };
      expect(config.actionUrl).toContain('/view.html');
      expect((await verifyAccessToken(config.accessToken))!.permissions).toEqual(['read']);
    });

    it('edit page: inline script and style carry the CSP nonce, connect-src only self; the Save As dialog offers what Collabora saves a text document as (Control.Menubar.js: odt, docx, doc, rtf; export pdf, epub)', async () => {
      const user = await makeUser('editor');
      const doc = await addDocument(uniqueFolder(), 'Plan.docx', 'x', user.id);
      const response = await open(doc.id, 'edit', await sessionCookie(user));
      const csp = response.headers.get('content-security-policy')!;
      const nonce = /script-src 'nonce-([^']+)'/.exec(csp)![1]!;
      expect(csp).toContain("connect-src 'self'"); // the page's saved-as look-up, nothing else
      const html = await response.text();
      expect(html).toContain(`<script nonce="${nonce}">`);
      expect(html).toContain(`<style nonce="${nonce}">`);
      expect(html.match(/<script/g)).toHaveLength(1);
      expect(html).not.toMatch(/\son[a-z]+=/i); // no inline handlers: the CSP would block them
      const dialog = /<dialog[^>]*data-testid="save-as-dialog"[\s\S]*?<\/dialog>/.exec(html)![0];
      expect([...dialog.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1])).toEqual([
        'odt',
        'docx',
        'doc',
        'rtf',
        'pdf',
        'epub',
      ]);
      const config = JSON.parse(/const config = (\{.*?\});/s.exec(html)![1]!) as Record<string, unknown>;
      expect(config).toMatchObject({ documentId: doc.id, documentName: 'Plan.docx', mode: 'edit', editor: 'writer' });
    });

    it('view page: no Save As dialog (viewers cannot write relative)', async () => {
      const user = await makeUser('viewer');
      const doc = await addDocument(uniqueFolder(), 'Plan.docx', 'x', null);
      const html = await (await open(doc.id, 'view', await sessionCookie(user))).text();
      expect(html).not.toContain('<dialog');
    });

    it('GET /api/documents/:id/saved-as?name= → {id, name} of the copy in the same folder (the page follows Action_Save_Resp fileName); other folder or unknown name → 404; no session → 401', async () => {
      const user = await makeUser('editor');
      const cookie = await sessionCookie(user);
      const folder = uniqueFolder();
      const source = await addDocument(folder, 'Plan.docx', 'x', user.id);
      const copy = await addDocument(folder, 'Plan (copy).odt', 'x', user.id);
      await addDocument(folder, 'Old Plan (copy).odt', 'x', user.id);
      await addDocument(uniqueFolder(), 'Elsewhere.odt', 'x', user.id);

      const lookUp = (cookieValue: string | undefined, query = '') =>
        apiRequest(`/api/documents/${source.id}/saved-as${query}`, { cookie: cookieValue, method: 'GET' });
      const found = await lookUp(cookie, `?name=${encodeURIComponent('Plan (copy).odt')}`);
      expect(found.status).toBe(200);
      expect(found.headers.get('cache-control')).toBe('no-store');
      expect(await found.json()).toEqual({ id: copy.id, name: 'Plan (copy).odt' });
      expect((await lookUp(cookie, '?name=Elsewhere.odt')).status).toBe(404);
      expect((await lookUp(cookie, '?name=plan%20(copy).ODT')).status).toBe(404);
      // Without ?name=: no Save As of it by this user lately → 404.
      expect((await lookUp(cookie)).status).toBe(404);
      expect((await lookUp(undefined, '?name=Plan.docx')).status).toBe(401);
    });

    it("GET /api/documents/:id/saved-as (no name) after the editor's PUT_RELATIVE → that copy, for its user only (Collabora name-field Save As, Control.DocumentNameInput.js)", async () => {
      const user = await makeUser('editor');
      const other = await makeUser('editor');
      const source = await addDocument(uniqueFolder(), 'Budget.xlsx', 'x', user.id);
      const saved = await wopi.override(source.id, 'PUT_RELATIVE', {
        token: await tokenFor(source.id, user.id),
        headers: { 'X-WOPI-SuggestedTarget': '.ods', 'User-Agent': 'COOLWSD HTTP Agent 24.04' },
        body: 'ods bytes',
      });
      expect(saved.status).toBe(200);
      const { Name } = (await saved.json()) as { Name: string };
      const lookUp = async (cookieValue: string) =>
        apiRequest(`/api/documents/${source.id}/saved-as`, { cookie: cookieValue, method: 'GET' });
      const found = await lookUp(await sessionCookie(user));
      expect(found.status).toBe(200);
      expect(await found.json()).toMatchObject({ name: Name });
      expect((await lookUp(await sessionCookie(other))).status).toBe(404);
    });

    it('an empty document opens with editnew', async () => {
      const user = await makeUser('editor');
      const doc = await addDocument(uniqueFolder(), 'Blank.docx', '', user.id);
      const html = await (await open(doc.id, 'edit', await sessionCookie(user))).text();
      expect(html).toContain('/new.html');
    });

    it('a type the editor does not handle (and the browser does not show) → 415 page; a missing document → 404 page', async () => {
      const user = await makeUser('editor');
      const cookie = await sessionCookie(user);
      const zip = await addDocument(uniqueFolder(), 'a.zip', 'x', user.id);
      const unsupported = await open(zip.id, 'view', cookie);
      expect(unsupported.status).toBe(415);
      // The request asks for German (Accept-Language), so the page is German.
      expect(await unsupported.text()).toContain('Kein Editor für diesen Dateityp');
      const missing = await open('00000000-0000-4000-8000-000000000000', 'view', cookie);
      expect(missing.status).toBe(404);
    });

    it('editor unreachable: the cached discovery keeps working; with nothing cached → 503 "cannot be reached"', async () => {
      const user = await makeUser('editor');
      const cookie = await sessionCookie(user);
      const doc = await addDocument(uniqueFolder(), 'Plan.docx', 'x', user.id);
      expect((await open(doc.id, 'edit', cookie)).status).toBe(200);
      isEditorUp = false;
      await db.wopiClientDiscovery.update({
        where: { client: 'writer' },
        data: { fetchedAt: new Date(Date.now() - 13 * 3600_000), lastAttemptAt: new Date(0) },
      });
      expect((await open(doc.id, 'edit', cookie)).status).toBe(200);
      const entry = await db.wopiClientDiscovery.findUniqueOrThrow({ where: { client: 'writer' } });
      expect(entry.lastError).toContain('HTTP 502');

      await db.wopiClientDiscovery.delete({ where: { client: 'writer' } });
      const down = await open(doc.id, 'edit', cookie);
      expect(down.status).toBe(503);
      expect(await down.text()).toContain('Der Editor ist nicht erreichbar');
      isEditorUp = true;
    });
  });
});
