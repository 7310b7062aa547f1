import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import type { PublicUser } from '@/lib/users/users';
import { startDiscoveryServer } from '../../support/discovery-server';
import { addDocument, uniqueFolder } from '../../support/documents';
import type { Portal } from '../../../scripts/lib/portal';
import { startTierPortal } from '../../support/captured-portal';
import { sendApiCallsTo } from '../../support/portal-http';
import { makeUser, sessionCookie } from '../../support/session';
import { apiRequest } from '../../support/users-api';

// "Opening anything sensible" (issue 9, item 7): view-only types open in view mode, PDFs and
// raster images without an editor in the browser's own viewer (inline, exact type, nosniff,
// sandboxed), and New document only where an editor can open the result. Three production
// portals of this file's own, one per WOPI_CLIENTS: none, the fake editor, one that is down.

let editor: Awaited<ReturnType<typeof startDiscoveryServer>>;
let admin: PublicUser;
let adminCookie: string;
let editorCookie: string;
let viewerCookie: string;

const portals = {} as Record<'none' | 'editor' | 'down', Portal>;
const output: string[] = [];

beforeAll(async () => {
  editor = await startDiscoveryServer();
  [portals.none, portals.editor, portals.down] = await Promise.all([
    startTierPortal('open-none', output),
    startTierPortal('open-editor', output, { WOPI_CLIENTS: `office=${editor.url}` }),
    startTierPortal('open-down', output, { WOPI_CLIENTS: 'down=http://127.0.0.1:9/hosting/discovery' }),
  ]);
  admin = await makeUser('admin');
  adminCookie = await sessionCookie(admin);
  editorCookie = await sessionCookie(await makeUser('editor'));
  viewerCookie = await sessionCookie(await makeUser('viewer'));
}, 240_000);
afterAll(async () => {
  sendApiCallsTo(undefined);
  await Promise.all(Object.values(portals).map((portal) => portal.stop()));
  await editor.close();
});

const withEditor = () => sendApiCallsTo(portals.editor.baseUrl);
const withoutEditor = () => sendApiCallsTo(portals.none.baseUrl);

const create = (cookie: string, body: unknown) => apiRequest('/api/documents/new', { cookie, body });
const inline = (id: string, cookie?: string, headers: Record<string, string> = {}) =>
  apiRequest(`/api/documents/${id}/inline`, { cookie, method: 'GET', headers });
const open = (id: string, mode: string, cookie: string) =>
  apiRequest(`/documents/${id}/${mode}`, { cookie, method: 'GET' });
const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string } }).error;

describe('POST /api/documents/new only where an editor can open the result', () => {
  it('POST /api/documents/new with no editor configured → 409 no_editor; nothing created', async () => {
    withoutEditor();
    const folder = uniqueFolder('new');
    const response = await create(editorCookie, { folder, kind: 'docx' });
    expect(response.status).toBe(409);
    const error = await errorOf(response);
    expect(error.code).toBe('no_editor');
    expect(error.message).toMatch(/No configured editor can edit \.docx files/);
    expect(await db.document.count({ where: { folder } })).toBe(0);
    expect(await db.folder.count({ where: { path: folder } })).toBe(0);
  });

  it('POST /api/documents/new {kind: pptx} with an editor that edits docx and xlsx only → 409 no_editor; nothing created', async () => {
    withEditor();
    const folder = uniqueFolder('new');
    const response = await create(adminCookie, { folder, kind: 'pptx' });
    expect(response.status).toBe(409);
    expect((await errorOf(response)).code).toBe('no_editor');
    expect(await db.document.count({ where: { folder } })).toBe(0);
  });

  it('POST /api/documents/new {kind: docx} with that editor → 201, an empty file (editnew) opened for editing', async () => {
    withEditor();
    const folder = uniqueFolder('new');
    const response = await create(editorCookie, { folder, kind: 'docx' });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { id: string; editUrl: string };
    expect(body.editUrl).toBe(`/documents/${body.id}/edit`);
    expect(await db.document.findMany({ where: { folder }, select: { name: true, size: true } })).toEqual([
      { name: 'New document.docx', size: 0n },
    ]);
  });

  it('POST /api/documents/new while the editor’s discovery cannot be fetched → 503 editor_unavailable; nothing created', async () => {
    sendApiCallsTo(portals.down.baseUrl);
    const folder = uniqueFolder('new');
    const response = await create(editorCookie, { folder, kind: 'docx' });
    expect(response.status).toBe(503);
    expect((await errorOf(response)).code).toBe('editor_unavailable');
    expect(await db.document.count({ where: { folder } })).toBe(0);
  });

  it('POST /api/documents/new as viewer → 403, with or without an editor', async () => {
    withEditor();
    expect((await create(viewerCookie, { folder: uniqueFolder('new'), kind: 'docx' })).status).toBe(403);
  });
});

describe('GET /api/documents/:id/inline', () => {
  it.each([
    ['Guide.pdf', 'application/pdf'],
    ['photo.png', 'image/png'],
    ['photo.JPG', 'image/jpeg'],
    ['photo.jpeg', 'image/jpeg'],
    ['anim.gif', 'image/gif'],
    ['pic.webp', 'image/webp'],
  ])(
    'GET /api/documents/:id/inline of %s as viewer → 200 %s, inline, nosniff, CSP sandbox; the bytes',
    async (name, type) => {
      const doc = await addDocument(uniqueFolder('inline'), name, `bytes of ${name}`, admin.id);
      const response = await inline(doc.id, viewerCookie);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(type);
      expect(response.headers.get('content-disposition')).toBe(`inline; filename=${name}`);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toMatch(/^sandbox; default-src 'none'/);
      expect(response.headers.get('accept-ranges')).toBe('bytes');
      expect(await response.text()).toBe(`bytes of ${name}`);
    },
  );

  it.each([
    ['drawing.svg', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'],
    ['page.html', '<script>alert(1)</script>'],
    ['Report.docx', 'docx bytes'],
  ])('GET /api/documents/:id/inline of %s → an attachment, never inline', async (name, body) => {
    const doc = await addDocument(uniqueFolder('inline'), name, body, admin.id);
    const response = await inline(doc.id, viewerCookie);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; /);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe(body);
  });

  it('GET /api/documents/:id/inline with Range: bytes=6-9 → 206 those bytes, Content-Range; a multi-range → 200 whole', async () => {
    const doc = await addDocument(uniqueFolder('inline'), 'Big.pdf', '0123456789abcdef', admin.id);
    const part = await inline(doc.id, editorCookie, { range: 'bytes=6-9' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 6-9/16');
    expect(part.headers.get('content-length')).toBe('4');
    expect(await part.text()).toBe('6789');
    const whole = await inline(doc.id, editorCookie, { range: 'bytes=0-1,4-5' });
    expect(whole.status).toBe(200);
    expect(await whole.text()).toBe('0123456789abcdef');
  });

  it('GET /api/documents/:id/inline without a session → 401; unknown or malformed id → 404', async () => {
    const doc = await addDocument(uniqueFolder('inline'), 'Guide.pdf', 'pdf', admin.id);
    expect((await inline(doc.id)).status).toBe(401);
    expect((await inline('00000000-0000-0000-0000-000000000000', viewerCookie)).status).toBe(404);
    expect((await inline('nope', viewerCookie)).status).toBe(404);
  });
});

describe('GET /documents/:id/(edit|view) for types an editor only views, or none opens', () => {
  it('GET /documents/:id/edit of a pdf the editor only views, as admin → 303 to /view, which opens the editor', async () => {
    withEditor();
    const doc = await addDocument(uniqueFolder('open'), 'Guide.pdf', 'pdf', admin.id);
    const response = await open(doc.id, 'edit', adminCookie);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/documents/${doc.id}/view`);
    const view = await open(doc.id, 'view', adminCookie);
    expect(view.status).toBe(200);
    expect(await view.text()).toContain('http://127.0.0.1:9/view.html');
  });

  it('GET /documents/:id/view of a png no editor opens → 303 to the browser’s viewer; with no editor at all a pdf too', async () => {
    withEditor();
    const png = await addDocument(uniqueFolder('open'), 'photo.png', 'png', admin.id);
    const toPng = await open(png.id, 'view', viewerCookie);
    expect(toPng.status).toBe(303);
    expect(toPng.headers.get('location')).toBe(`/api/documents/${png.id}/inline`);
    withoutEditor();
    const pdf = await addDocument(uniqueFolder('open'), 'Guide.pdf', 'pdf', admin.id);
    const toPdf = await open(pdf.id, 'edit', editorCookie);
    expect(toPdf.status).toBe(303);
    expect(toPdf.headers.get('location')).toBe(`/api/documents/${pdf.id}/inline`);
  });

  it('GET /documents/:id/edit of a zip no editor opens → 415 page (unchanged: nothing to show it with)', async () => {
    withEditor();
    const zip = await addDocument(uniqueFolder('open'), 'archive.zip', 'zip', admin.id);
    expect((await open(zip.id, 'edit', adminCookie)).status).toBe(415);
  });
});
