/**
 * API errors in the reader's language, through the whole portal as `npm start` serves it
 * (scripts/lib/portal.ts startPortal): the same refusal answers the same `code` and details in
 * every language, its `message` in the user's saved language, else Accept-Language, else English.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, type Portal } from '../../../scripts/lib/portal';
import { startCapturedPortal } from '../../support/captured-portal';

const PASSWORD = 'correct horse battery';
const GERMAN = { 'accept-language': 'de-DE,de;q=0.9,en;q=0.5' };

let portal: Portal;
let base: string;
let admin = '';
let viewer = '';
let french = '';
const output: string[] = [];

type ApiErrorBody = { error: { code: string; message: string; [key: string]: unknown } };

/** next-auth's credentials sign-in, as the login form sends it; answers the session cookies. */
const signIn = async (email: string, password: string) => {
  const jar = new Map<string, string>();
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }

    return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  };
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const cookie = keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ csrfToken, email, password, json: 'true' }),
  });

  return keep(response);
};

const post = (urlPath: string, cookie: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${urlPath}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const errorOf = async (response: Response, status: number) => {
  expect(response.status).toBe(status);

  return ((await response.json()) as ApiErrorBody).error;
};

/** The same request without a language, in German (Accept-Language) and as the user whose saved choice is French. */
const inThreeLanguages = async (send: (cookie: string, headers: Record<string, string>) => Promise<Response>) => {
  const [english, german, inFrench] = [await send(admin, {}), await send(admin, GERMAN), await send(french, GERMAN)];

  return { english, german, french: inFrench };
};

const uploadAsAdmin = async (folder: string, name: string) => {
  const query = new URLSearchParams({ folder, name });
  const response = await fetch(`${base}/api/admin/documents?${query.toString()}`, {
    method: 'POST',
    headers: { cookie: admin, 'content-type': 'application/octet-stream' },
    body: 'not really a document\n',
  });
  expect(response.status).toBe(201);

  return ((await response.json()) as { document: { id: string } }).document.id;
};

const addUser = async (role: 'admin' | 'viewer') => {
  const email = `lang-${randomUUID()}@test.example`;
  expect((await post('/api/admin/users', admin, { email, password: PASSWORD, role })).status).toBe(201);

  return signIn(email, PASSWORD);
};

beforeAll(async () => {
  portal = await startCapturedPortal('error-language', output);
  base = portal.baseUrl;
  admin = await signIn(ACCOUNTS.ADMIN.email, ACCOUNTS.ADMIN.password);
  viewer = await addUser('viewer');
  // An admin whose saved language is French: it beats the German Accept-Language below.
  french = await addUser('admin');
  expect((await post('/api/account/locale', french, { locale: 'fr' })).status).toBe(200);
}, 300_000);

afterAll(async () => {
  await portal?.stop();
});

describe('API error messages in the reader’s language', () => {
  it('POST /api/documents/:id/rename onto a taken name → 409 name_conflict with a suggestion, in en / de / fr', async () => {
    const folder = `Lang ${randomUUID().slice(0, 8)}`;
    await uploadAsAdmin(folder, 'Report.docx');
    const id = await uploadAsAdmin(folder, 'Draft.docx');
    const {
      english,
      german,
      french: inFrench,
    } = await inThreeLanguages((cookie, headers) =>
      post(`/api/documents/${id}/rename`, cookie, { name: 'Report.docx' }, headers),
    );
    const expected = { code: 'name_conflict', suggestion: 'Report (1).docx', name: 'Report.docx', folder };
    expect(await errorOf(english, 409)).toMatchObject({
      ...expected,
      message: `A document named "Report.docx" already exists in "${folder}".`,
    });
    expect(await errorOf(german, 409)).toMatchObject({
      ...expected,
      message: `Ein Dokument namens „Report.docx“ gibt es im Ordner „${folder}“ schon.`,
    });
    expect(await errorOf(inFrench, 409)).toMatchObject({
      ...expected,
      message: `Un document nommé « Report.docx » existe déjà dans le dossier « ${folder} ».`,
    });
  });

  it('POST /api/folders with a taken name in the top folder → 409 name_conflict naming "Documents" in each language', async () => {
    const name = `Lang ${randomUUID().slice(0, 8)}`;
    expect((await post('/api/folders', admin, { parent: '', name })).status).toBe(201);
    const {
      english,
      german,
      french: inFrench,
    } = await inThreeLanguages((cookie, headers) => post('/api/folders', cookie, { parent: '', name }, headers));
    expect((await errorOf(english, 409)).message).toBe(`A folder named "${name}" already exists in Documents.`);
    expect(await errorOf(german, 409)).toMatchObject({
      code: 'name_conflict',
      suggestion: `${name} (1)`,
      message: `Einen Ordner namens „${name}“ gibt es im Ordner Dokumente schon.`,
    });
    expect((await errorOf(inFrench, 409)).message).toBe(
      `Un dossier nommé « ${name} » existe déjà dans le dossier Documents.`,
    );
  });

  it('POST /api/documents/:id/rename of a document an editor holds locked → 409 locked, in en / de / fr', async () => {
    const folder = `Locked ${randomUUID().slice(0, 8)}`;
    const id = await uploadAsAdmin(folder, 'Open.docx');
    const { accessToken } = JSON.parse(await portal.cli('token', '--document', id, '--user', ACCOUNTS.ADMIN.email)) as {
      accessToken: string;
    };
    const lock = await fetch(`${base}/wopi/files/${id}?access_token=${encodeURIComponent(accessToken)}`, {
      method: 'POST',
      headers: { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'editor-lock' },
    });
    expect(lock.status).toBe(200);
    const {
      english,
      german,
      french: inFrench,
    } = await inThreeLanguages((cookie, headers) =>
      post(`/api/documents/${id}/rename`, cookie, { name: 'Renamed.docx' }, headers),
    );
    expect(await errorOf(english, 409)).toMatchObject({
      code: 'locked',
      message: '"Open.docx" is open for editing; try again when it is closed.',
    });
    expect(await errorOf(german, 409)).toMatchObject({
      code: 'locked',
      message: '„Open.docx“ ist zum Bearbeiten geöffnet; versuchen Sie es erneut, wenn es geschlossen ist.',
    });
    expect(await errorOf(inFrench, 409)).toMatchObject({
      code: 'locked',
      message: '« Open.docx » est ouvert en modification ; réessayez quand il sera fermé.',
    });
  });

  it('a viewer: POST /api/folders → 403 forbidden and GET /api/admin/users → 403, in German with Accept-Language', async () => {
    const create = await post('/api/folders', viewer, { parent: '', name: 'Nope' }, GERMAN);
    expect(await errorOf(create, 403)).toEqual({
      code: 'forbidden',
      what: 'viewer_change',
      message: 'Betrachter können keine Dokumente oder Ordner ändern.',
    });
    const english = await post('/api/folders', viewer, { parent: '', name: 'Nope' });
    expect((await errorOf(english, 403)).message).toBe('Viewers cannot change documents or folders.');
    const users = await fetch(`${base}/api/admin/users`, { headers: { cookie: viewer, ...GERMAN } });
    expect(await errorOf(users, 403)).toMatchObject({ code: 'forbidden', message: 'Das dürfen nur Admins.' });
  });

  it('POST /api/folders with a body that is not JSON → 400 invalid_json, in en / de / fr; nothing created', async () => {
    const {
      english,
      german,
      french: inFrench,
    } = await inThreeLanguages((cookie, headers) =>
      post('/api/folders', cookie, '{"parent": "", "name": "Half', headers),
    );
    expect(await errorOf(english, 400)).toEqual({ code: 'invalid_json', message: 'The body is not JSON.' });
    expect(await errorOf(german, 400)).toEqual({
      code: 'invalid_json',
      message: 'Der Inhalt der Anfrage ist kein JSON.',
    });
    expect(await errorOf(inFrench, 400)).toEqual({
      code: 'invalid_json',
      message: 'Le corps de la requête n’est pas du JSON.',
    });
    const list = await fetch(`${base}/api/folders?parent=`, { headers: { cookie: admin } });
    const { folders } = (await list.json()) as { folders: { name: string }[] };
    expect(folders.map((folder) => folder.name)).not.toContain('Half');
  });

  it('POST /api/account/password with a short new password → 400 invalid_password naming the field, in en / de / fr', async () => {
    const {
      english,
      german,
      french: inFrench,
    } = await inThreeLanguages((cookie, headers) =>
      post('/api/account/password', cookie, { currentPassword: 'whatever-it-is', newPassword: 'short' }, headers),
    );
    const expected = { code: 'invalid_password', field: 'newPassword', rule: 'too_short', bound: 8 };
    expect(await errorOf(english, 400)).toMatchObject({
      ...expected,
      message: 'The password must be at least 8 characters.',
    });
    expect(await errorOf(german, 400)).toMatchObject({ ...expected, message: 'Neues Passwort: mindestens 8 Zeichen.' });
    expect(await errorOf(inFrench, 400)).toMatchObject({
      ...expected,
      message: 'Nouveau mot de passe : au moins 8 caractères.',
    });
  });

  it('without a session → 401 unauthorized: the locale cookie, then Accept-Language, then English', async () => {
    const send = (headers: Record<string, string>) => post('/api/folders', '', { name: 'x' }, headers);
    expect((await errorOf(await send({}), 401)).message).toBe('Sign in first.');
    expect((await errorOf(await send(GERMAN), 401)).message).toBe('Melden Sie sich zuerst an.');
    expect((await errorOf(await send({ ...GERMAN, cookie: 'locale=fr' }), 401)).message).toBe(
      'Connectez-vous d’abord.',
    );
  });
});
