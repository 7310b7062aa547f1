import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import type { PublicUser } from '@/lib/users/users';
import { addDocument, uniqueFolder } from '../../support/documents';
import { filesApi } from '../../support/files-api';
import { portalOfThisFile } from '../../support/captured-portal';
import { makeUser, sessionCookie } from '../../support/session';
import { usersApi } from '../../support/users-api';
import { setPrivatePrefix } from '../maintenance/helpers';
import { auditPage, makeNamedUser, uniqueTag, type PageEvent } from './audit-fixtures';

// The audit filters find a document's whole history — by id, or by any name it had, through
// "Delete forever" and an emptied trash — and a user's events "by or about" them. The events
// come from the real routes. Empty trash purges the whole trash: this file has its own S3_PREFIX.
// Its own production portal on that prefix.
portalOfThisFile('audit-history', { S3_PREFIX: setPrivatePrefix('audit-history') });

let admin: PublicUser;
const cookies = { admin: '', editor: '' };

beforeAll(async () => {
  admin = await makeUser('admin');
  cookies.admin = await sessionCookie(admin);
  cookies.editor = await sessionCookie(await makeUser('editor'));
});

const actions = (events: PageEvent[]) => events.map((event) => event.action);

/** A document renamed from `first` to `second`, then deleted to the trash (as the editor). */
const renamedAndDeleted = async (folder: string, first: string, second: string) => {
  const doc = await addDocument(folder, first);
  expect((await filesApi.renameDocument(doc.id, { cookie: cookies.editor, body: { name: second } })).status).toBe(200);
  expect((await filesApi.deleteDocument(doc.id, { cookie: cookies.editor })).status).toBe(200);

  return doc;
};

describe('GET /api/admin/audit?document=: the whole history, through Delete forever', () => {
  it('POST /api/trash/:id/purge → document.purge with the document id; ?document=<id> → purge, delete, rename', async () => {
    const tag = uniqueTag();
    const doc = await renamedAndDeleted(uniqueFolder('hist'), `Draft ${tag}.docx`, `Final ${tag}.docx`);
    expect((await filesApi.purge(doc.id, { cookie: cookies.admin })).status).toBe(200);

    const byId = await auditPage({ document: doc.id }, cookies.admin);
    expect(actions(byId.events)).toEqual(['document.purge', 'document.delete', 'document.rename']);
    expect(byId.events[0]).toMatchObject({
      user: { id: admin.id },
      document: { id: doc.id, name: null },
      details: { trashId: doc.id, name: `Final ${tag}.docx` },
    });
  });

  it('?document=<a name it had before a rename> and ?document=<its last name> → the whole history, purge included', async () => {
    const tag = uniqueTag();
    const doc = await renamedAndDeleted(uniqueFolder('hist'), `Draft ${tag}.docx`, `Final ${tag}.docx`);
    const before = await auditPage({ document: `Draft ${tag}` }, cookies.admin);
    expect(actions(before.events)).toEqual(['document.delete', 'document.rename']);
    expect((await filesApi.purge(doc.id, { cookie: cookies.admin })).status).toBe(200);
    for (const name of [`Draft ${tag}`, `final ${tag}.DOCX`, tag]) {
      const page = await auditPage({ document: name }, cookies.admin);
      expect(actions(page.events), name).toEqual(['document.purge', 'document.delete', 'document.rename']);
      expect(page.events.every((event) => event.document?.id === doc.id)).toBe(true);
    }
  });

  it('a document renamed while it exists: ?document=<its old name> → its events under both names', async () => {
    const tag = uniqueTag();
    const doc = await addDocument(uniqueFolder('hist'), `Before ${tag}.xlsx`);
    await filesApi.renameDocument(doc.id, { cookie: cookies.editor, body: { name: `After ${tag}.xlsx` } });
    await filesApi.renameDocument(doc.id, { cookie: cookies.editor, body: { name: `Latest ${tag}.xlsx` } });
    const page = await auditPage({ document: `Before ${tag}` }, cookies.admin);
    expect(actions(page.events)).toEqual(['document.rename', 'document.rename']);
    expect(page.events[0]!.document).toMatchObject({ id: doc.id, name: `Latest ${tag}.xlsx` });
    // A name no document had finds nothing.
    expect((await auditPage({ document: `Never ${tag}` }, cookies.admin)).events).toEqual([]);
  });

  it('POST /api/trash/:id/purge of a deleted folder → one document.purge per document (its id) and folder.purge', async () => {
    const root = uniqueFolder('histdir');
    const a = await addDocument(root, 'a.docx');
    const b = await addDocument(`${root}/sub`, 'b.docx');
    const deleted = await filesApi.deleteFolder({ cookie: cookies.editor, body: { path: root } });
    const { batchId } = (await deleted.json()) as { batchId: string };
    expect((await filesApi.purge(batchId, { cookie: cookies.admin })).status).toBe(200);
    for (const doc of [a, b]) {
      const page = await auditPage({ document: doc.id }, cookies.admin);
      expect(page.events[0]).toMatchObject({
        action: 'document.purge',
        user: { id: admin.id },
        document: { id: doc.id },
        details: { trashId: batchId, name: doc.name },
      });
    }
    expect(
      await db.auditEvent.count({ where: { action: 'folder.purge', details: { path: ['trashId'], equals: batchId } } }),
    ).toBe(1);
  });

  it('POST /api/trash/empty → one document.purge per document (its id) and trash.emptied; ?document=<id> finds its purge', async () => {
    const tag = uniqueTag();
    const doc = await renamedAndDeleted(uniqueFolder('histempty'), `One ${tag}.docx`, `Two ${tag}.docx`);
    expect((await filesApi.emptyTrash({ cookie: cookies.admin })).status).toBe(200);
    const page = await auditPage({ document: doc.id }, cookies.admin);
    expect(actions(page.events)).toEqual(['document.purge', 'document.delete', 'document.rename']);
    expect(page.events[0]).toMatchObject({ user: { id: admin.id }, details: { name: `Two ${tag}.docx` } });
    expect(actions((await auditPage({ document: `One ${tag}` }, cookies.admin)).events)).toEqual([
      'document.purge',
      'document.delete',
      'document.rename',
    ]);
  });
});

describe('GET /api/admin/audit?user=: events by or about the user', () => {
  it('?user=<email> → what they did and what was done to their account (created, role changed, disabled, enabled, password reset)', async () => {
    const tag = uniqueTag();
    const subjectEmail = `${tag}@test.example`;
    const added = await usersApi.add({ cookie: cookies.admin, body: { email: subjectEmail, role: 'editor' } });
    const subject = ((await added.json()) as { user: PublicUser }).user;
    const id = subject.id;
    expect((await usersApi.role(id, { cookie: cookies.admin, body: { role: 'viewer' } })).status).toBe(200);
    expect((await usersApi.disable(id, { cookie: cookies.admin })).status).toBe(200);
    expect((await usersApi.enable(id, { cookie: cookies.admin })).status).toBe(200);
    expect((await usersApi.password(id, { cookie: cookies.admin, body: {} })).status).toBe(200);
    // Something the user did themselves.
    const doc = await addDocument(uniqueFolder('byuser'), `Theirs ${tag}.docx`);
    await db.auditEvent.create({ data: { action: 'wopi.open', outcome: 'success', userId: id, documentId: doc.id } });

    const page = await auditPage({ user: subjectEmail }, cookies.admin);
    expect(actions(page.events)).toEqual([
      'wopi.open',
      'user.password_reset',
      'user.enabled',
      'user.disabled',
      'user.role_changed',
      'user.created',
    ]);
    expect(page.events.slice(1).every((event) => event.user?.id === admin.id)).toBe(true);
    expect(actions((await auditPage({ user: id }, cookies.admin)).events)).toEqual(actions(page.events));
    // Part of the email: the same; combined with an action, only those.
    expect(actions((await auditPage({ user: tag }, cookies.admin)).events)).toEqual(actions(page.events));
    expect(actions((await auditPage({ user: subjectEmail, action: 'user.*' }, cookies.admin)).events)).toEqual(
      actions(page.events).slice(1),
    );
    // The admin's own view: what they did includes the changes to this user, once each.
    const byAdmin = await auditPage({ user: admin.email, action: 'user.disabled' }, cookies.admin);
    expect(
      byAdmin.events.filter((event) => (event.details as { targetUserId?: string }).targetUserId === id),
    ).toHaveLength(1);
  });

  it('?user=<email> of a user who changed their own password → user.password_changed once (by and about them)', async () => {
    const tag = uniqueTag();
    const user = await makeNamedUser(`${tag}@test.example`, 'viewer');
    const response = await usersApi.changeOwn({
      cookie: await sessionCookie(user),
      body: { currentPassword: 'correct horse battery', newPassword: 'another horse 2' },
    });
    expect(response.status).toBe(200);
    // Also an auth.sign_in: the current password is checked like a sign-in.
    const page = await auditPage({ user: user.email }, cookies.admin);
    expect(actions(page.events).filter((action) => action === 'user.password_changed')).toHaveLength(1);
    expect(actions((await auditPage({ user: user.email, action: 'user.*' }, cookies.admin)).events)).toEqual([
      'user.password_changed',
    ]);
  });
});
