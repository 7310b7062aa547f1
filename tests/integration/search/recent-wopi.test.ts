import { describe, expect, it } from 'vitest';
import { addDocument, uniqueFolder } from '../../support/documents';
import { makeUser, sessionCookie } from '../../support/session';
import { tokenFor, wopi } from '../../support/wopi';
import { fetchRecent } from './fixtures';

type RecentBody = { documents: { id: string; name: string; lastAction: string }[] };

describe('GET /api/documents/recent after real editor calls', () => {
  it('CheckFileInfo (open) and LOCK + PutFile (save) over /wopi → the documents appear, the saved one first', async () => {
    const user = await makeUser('editor');
    const folder = uniqueFolder('recent-wopi');
    const opened = await addDocument(folder, 'opened.docx', 'one');
    const saved = await addDocument(folder, 'saved.docx', 'two');

    const openToken = await tokenFor(opened.id, user.id);
    expect((await wopi.checkFileInfo(opened.id, { token: openToken })).status).toBe(200);
    const saveToken = await tokenFor(saved.id, user.id);
    expect((await wopi.checkFileInfo(saved.id, { token: saveToken })).status).toBe(200);
    const lock = { 'X-WOPI-Lock': 'recent-lock' };
    expect((await wopi.override(saved.id, 'LOCK', { token: saveToken, headers: lock })).status).toBe(200);
    expect((await wopi.putFile(saved.id, { token: saveToken, headers: lock, body: 'two, edited' })).status).toBe(200);
    expect((await wopi.override(saved.id, 'UNLOCK', { token: saveToken, headers: lock })).status).toBe(200);

    const response = await fetchRecent(await sessionCookie(user));
    expect(response.status).toBe(200);
    const body = (await response.json()) as RecentBody;
    expect(body.documents.map((doc) => [doc.id, doc.lastAction])).toEqual([
      [saved.id, 'wopi.save'],
      [opened.id, 'wopi.open'],
    ]);
  });
});
