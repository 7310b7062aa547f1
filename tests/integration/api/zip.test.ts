import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { addDocument, uniqueFolder } from '../../support/documents';
import { filesApi } from '../../support/files-api';
import { makeUser, sessionCookie } from '../../support/session';
import { apiRequest } from '../../support/users-api';

// GET /api/zip: a streamed zip of a selection of documents and whole folders, for any signed-in user.

const cookies = { editor: '', viewer: '' };

beforeAll(async () => {
  cookies.editor = await sessionCookie(await makeUser('editor'));
  cookies.viewer = await sessionCookie(await makeUser('viewer'));
});

const get = (query: string, cookie?: string) => apiRequest(`/api/zip?${query}`, { cookie, method: 'GET' });

const unzip = async (response: Response) => {
  const files = unzipSync(new Uint8Array(await response.arrayBuffer()));

  return Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, Buffer.from(bytes).toString()]));
};

/**
 * Every entry name of a zip in its central directory, repeats kept (unzipSync's object would
 * fold two entries of one name into one).
 */
const entryNames = async (response: Response) => {
  const zip = Buffer.from(await response.arrayBuffer());
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  const names: string[] = [];
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const [nameLength, extraLength, commentLength] = [28, 30, 32].map((offset) => zip.readUInt16LE(at + offset));
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength!));
    at += 46 + nameLength! + extraLength! + commentLength!;
  }

  return names;
};

describe('GET /api/zip', () => {
  it('GET /api/zip?folder=F as viewer → 200 application/zip "F.zip" with every document under F/ (subfolders, empty folders)', async () => {
    const root = uniqueFolder('zip');
    await addDocument(root, 'a.docx', 'A');
    await addDocument(`${root}/sub`, 'b.xlsx', 'B');
    await filesApi.createFolder({ cookie: cookies.editor, body: { parent: root, name: 'empty' } });
    const response = await get(`folder=${encodeURIComponent(root)}`, cookies.viewer);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toContain(`filename="${root}.zip"`);
    expect(await unzip(response)).toEqual({
      [`${root}/`]: '',
      [`${root}/empty/`]: '',
      [`${root}/sub/`]: '',
      [`${root}/a.docx`]: 'A',
      [`${root}/sub/b.xlsx`]: 'B',
    });
  });

  it('GET /api/zip?id=…&id=… → the chosen documents at the top of "documents.zip"; 120 documents stream through', async () => {
    const folder = uniqueFolder('zip');
    const docs = [];
    for (let i = 0; i < 120; i++)
      docs.push(await addDocument(folder, `n${String(i).padStart(3, '0')}.txt`, `body ${i}`));
    const picked = await get(
      docs
        .slice(0, 2)
        .map((doc) => `id=${doc.id}`)
        .join('&'),
      cookies.viewer,
    );
    expect(picked.headers.get('content-disposition')).toContain('filename="documents.zip"');
    expect(await unzip(picked)).toEqual({ 'n000.txt': 'body 0', 'n001.txt': 'body 1' });
    const all = await unzip(await get(`folder=${encodeURIComponent(folder)}`, cookies.viewer));
    expect(Object.keys(all).filter((name) => name.endsWith('.txt'))).toHaveLength(120);
    expect(all[`${folder}/n119.txt`]).toBe('body 119');
  });

  it('GET /api/zip signed out → 401; nothing chosen → 400; an unknown document or folder → 404 before any byte', async () => {
    const doc = await addDocument(uniqueFolder('zip'), 'a.docx');
    expect((await get(`id=${doc.id}`)).status).toBe(401);
    expect((await get('', cookies.viewer)).status).toBe(400);
    const unknownDoc = await get('id=00000000-0000-4000-8000-000000000000', cookies.viewer);
    expect(unknownDoc.status).toBe(404);
    expect(((await unknownDoc.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await get(`folder=${uniqueFolder('nope')}`, cookies.viewer)).status).toBe(404);
  });

  it('GET /api/zip?folder= (empty: the top folder) → 400 invalid_request naming folder (rule top_folder), not 404', async () => {
    const doc = await addDocument(uniqueFolder('zip'), 'a.docx');
    for (const query of ['folder=', 'folder=%2F', `id=${doc.id}&folder=`]) {
      const response = await get(query, cookies.viewer);
      expect(response.status, query).toBe(400);
      const { error } = (await response.json()) as {
        error: { code: string; field: string; rule: string; message: string };
      };
      expect(error).toMatchObject({ code: 'invalid_request', field: 'folder', rule: 'top_folder' });
      expect(error.message).toContain('folder');
    }
    const german = await apiRequest('/api/zip?folder=', {
      cookie: cookies.viewer,
      method: 'GET',
      headers: { 'accept-language': 'de' },
    });
    expect(((await german.json()) as { error: { message: string } }).error.message).toBe(
      'Ordner: Der oberste Ordner lässt sich nicht als Ganzes herunterladen; wählen Sie Ordner oder Dokumente darin.',
    );
  });

  it('GET /api/zip?folder=F&folder=F → "F.zip" with every entry once', async () => {
    const root = uniqueFolder('zip');
    await addDocument(root, 'a.docx', 'A');
    await addDocument(`${root}/sub`, 'b.xlsx', 'B');
    const response = await get(`folder=${encodeURIComponent(root)}&folder=${encodeURIComponent(root)}`, cookies.viewer);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain(`filename="${root}.zip"`);
    expect((await entryNames(response)).sort()).toEqual([
      `${root}/`,
      `${root}/a.docx`,
      `${root}/sub/`,
      `${root}/sub/b.xlsx`,
    ]);
  });

  it('GET /api/zip?folder=F&folder=F/sub (a folder inside another chosen one) → F/sub once, under F', async () => {
    const root = uniqueFolder('zip');
    await addDocument(`${root}/sub`, 'b.xlsx', 'B');
    const inner = await get(
      `folder=${encodeURIComponent(`${root}/sub`)}&folder=${encodeURIComponent(root)}`,
      cookies.viewer,
    );
    expect(inner.status).toBe(200);
    expect(inner.headers.get('content-disposition')).toContain(`filename="${root}.zip"`);
    expect((await entryNames(inner)).sort()).toEqual([`${root}/`, `${root}/sub/`, `${root}/sub/b.xlsx`]);
  });

  it('GET /api/zip?folder=F&id=<a document under F>&id=<same>&id=<one elsewhere> → the document under F only, the other once at the top', async () => {
    const root = uniqueFolder('zip');
    const inside = await addDocument(`${root}/deep`, 'in.txt', 'IN');
    const outside = await addDocument(uniqueFolder('zip'), 'out.txt', 'OUT');
    const response = await get(
      `id=${inside.id}&folder=${encodeURIComponent(root)}&id=${inside.id}&id=${outside.id}&id=${outside.id}`,
      cookies.viewer,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain('filename="documents.zip"');
    expect((await entryNames(response)).sort()).toEqual([
      'out.txt',
      `${root}/`,
      `${root}/deep/`,
      `${root}/deep/in.txt`,
    ]);
  });

  it('GET /api/zip?id=D&id=D → "documents.zip" with D once', async () => {
    const doc = await addDocument(uniqueFolder('zip'), 'twice.txt', 'T');
    const response = await get(`id=${doc.id}&id=${doc.id.toUpperCase()}`, cookies.viewer);
    expect(response.status).toBe(200);
    expect(await entryNames(response)).toEqual(['twice.txt']);
  });

  it('GET /api/zip?id=<a.txt in X>&id=<A.TXT in Y>&folder=P/Q3&folder=R/Q3 → "a.txt", "A (1).TXT", "Q3/…", "Q3 (1)/…": nothing overwrites anything when extracted', async () => {
    const [x, y, p, r] = ['x', 'y', 'p', 'r'].map((label) => uniqueFolder(`zip-${label}`));
    const first = await addDocument(x!, 'a.txt', 'first');
    const second = await addDocument(y!, 'A.TXT', 'second');
    await addDocument(`${p}/Q3`, 'in-p.txt', 'P');
    await addDocument(`${r}/Q3`, 'in-r.txt', 'R');
    const response = await get(
      `id=${first.id}&id=${second.id}&folder=${encodeURIComponent(`${p}/Q3`)}&folder=${encodeURIComponent(`${r}/Q3`)}`,
      cookies.viewer,
    );
    expect(response.status).toBe(200);
    const names = await entryNames(response.clone());
    expect(new Set(names.map((name) => name.toLowerCase())).size).toBe(names.length);
    const files = Object.fromEntries(Object.entries(await unzip(response)).filter(([name]) => !name.endsWith('/')));
    expect(Object.values(files).sort()).toEqual(['P', 'R', 'first', 'second'].sort());
    expect(Object.keys(files).filter((name) => name.startsWith('Q3/') || name.startsWith('Q3 (1)/'))).toHaveLength(2);
    expect(Object.keys(files).some((name) => /^A \(1\)\.TXT$|^a \(1\)\.txt$/.test(name))).toBe(true);
  });
});
