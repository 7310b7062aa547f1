import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { db, sql } from '@/lib/db';
import { mirrorsSettled } from '@/lib/documents/content';
import { restoreVersion } from '@/lib/documents/versions';
import { documentKey } from '@/lib/storage/keys';
import { downloadContent } from '../../support/files-api';
import { addDocument, uniqueFolder } from '../../support/documents';
import { makeUser } from '../../support/session';
import { tokenFor, wopi } from '../../support/wopi';
import { bytesOf } from '../maintenance/helpers';

/**
 * A save whose database commit fails after its bytes were staged (here: a trigger in the real
 * Postgres refuses the new version row, as a lost connection or a full disk would) must leave
 * no trace a reader can see: the visible object is only written after the commit, so it still
 * holds the previous bytes, and no later read mistakes the failed save for another tool's change.
 * (Before: the commit copied the staged bytes to the visible key first, and the next
 * CheckFileInfo adopted them as version 2 {"via":"storage"}.)
 */
const triggers: string[] = [];
afterEach(async () => {
  for (const name of triggers.splice(0)) {
    await sql(`DROP TRIGGER IF EXISTS ${name} ON "DocumentVersion"`);
    await sql(`DROP FUNCTION IF EXISTS ${name}()`);
  }
});

/** Makes every new DocumentVersion row of one document fail, inside the commit's transaction. */
const failVersionInserts = async (documentId: string) => {
  const name = `fail_version_${randomUUID().replaceAll('-', '')}`;
  triggers.push(name);
  await sql(
    `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN IF NEW."documentId" = '${documentId}'::uuid THEN RAISE EXCEPTION 'injected commit failure'; END IF; RETURN NEW; END $$`,
  );
  await sql(`CREATE TRIGGER ${name} BEFORE INSERT ON "DocumentVersion" FOR EACH ROW EXECUTE FUNCTION ${name}()`);
};

describe('a save whose commit fails', () => {
  it('POST PutFile whose version row cannot be committed → 500; the visible object keeps the previous bytes; the next CheckFileInfo, GetFile and Download serve version 1 and adopt nothing', async () => {
    const user = await makeUser('editor');
    const folder = uniqueFolder('commit-fail');
    const doc = await addDocument(folder, 'Budget.xlsx', 'version one', user.id);
    const key = documentKey({ folder, name: 'Budget.xlsx' });
    const token = await tokenFor(doc.id, user.id);
    const lock = { 'X-WOPI-Lock': 'L-fail' };
    expect((await wopi.override(doc.id, 'LOCK', { token, headers: lock })).status).toBe(200);
    await failVersionInserts(doc.id);

    const put = await wopi.putFile(doc.id, { token, headers: lock, body: 'bytes of a save that never committed' });
    expect(put.status).toBe(500);
    expect((await bytesOf(key)).toString()).toBe('version one');

    const info = await wopi.checkFileInfo(doc.id, { token });
    expect(await info.json()).toMatchObject({ Version: '1', Size: 'version one'.length });
    expect(await (await wopi.getFile(doc.id, { token })).text()).toBe('version one');
    expect(await (await downloadContent(doc.id)).text()).toBe('version one');
    const row = await db.document.findUniqueOrThrow({ where: { id: doc.id }, include: { versions: true } });
    expect(row.version).toBe(1);
    expect(row.versions).toHaveLength(1);
  });

  it('portal upload with onConflict=replace whose version row cannot be committed → throws; the visible object keeps the previous bytes; Download serves version 1', async () => {
    const user = await makeUser('admin');
    const folder = uniqueFolder('commit-fail');
    const doc = await addDocument(folder, 'Plan.docx', 'plan one', user.id);
    const key = documentKey({ folder, name: 'Plan.docx' });
    await failVersionInserts(doc.id);

    await expect(addDocumentReplacing(folder, 'Plan.docx', 'plan two, never committed', user.id)).rejects.toThrow(
      /injected commit failure/,
    );
    expect((await bytesOf(key)).toString()).toBe('plan one');
    expect(await (await downloadContent(doc.id)).text()).toBe('plan one');
    expect((await db.document.findUniqueOrThrow({ where: { id: doc.id } })).version).toBe(1);
  });

  it('POST PUT_RELATIVE with X-WOPI-OverwriteRelativeTarget: true onto a document whose version row cannot be committed → 500; that document keeps its bytes everywhere', async () => {
    const user = await makeUser('editor');
    const folder = uniqueFolder('commit-fail');
    const source = await addDocument(folder, 'Source.docx', 'source', user.id);
    const target = await addDocument(folder, 'Target.docx', 'target one', user.id);
    await failVersionInserts(target.id);

    const saved = await wopi.override(source.id, 'PUT_RELATIVE', {
      token: await tokenFor(source.id, user.id),
      headers: { 'X-WOPI-RelativeTarget': 'Target.docx', 'X-WOPI-OverwriteRelativeTarget': 'true' },
      body: 'target two, never committed',
    });
    expect(saved.status).toBe(500);
    expect((await bytesOf(documentKey({ folder, name: 'Target.docx' }))).toString()).toBe('target one');
    expect(await (await downloadContent(target.id)).text()).toBe('target one');
    expect((await db.document.findUniqueOrThrow({ where: { id: target.id } })).version).toBe(1);
  });

  it('version restore whose new version row cannot be committed → throws; the visible object and Download keep the current bytes', async () => {
    const user = await makeUser('admin');
    const folder = uniqueFolder('commit-fail');
    const doc = await addDocument(folder, 'Notes.txt', 'notes one', user.id);
    await addDocumentReplacing(folder, 'Notes.txt', 'notes two', user.id);
    await mirrorsSettled();
    await failVersionInserts(doc.id);

    await expect(restoreVersion({ documentId: doc.id, version: 1, userId: user.id })).rejects.toThrow(
      /injected commit failure/,
    );
    await mirrorsSettled();
    expect((await bytesOf(documentKey({ folder, name: 'Notes.txt' }))).toString()).toBe('notes two');
    expect(await (await downloadContent(doc.id)).text()).toBe('notes two');
  });
});

const addDocumentReplacing = async (folder: string, name: string, body: string, userId: string) => {
  const { uploadDocument } = await import('@/lib/documents/write');
  const { Readable } = await import('node:stream');
  const { env } = await import('@/lib/env');

  return uploadDocument({
    folder,
    name,
    body: Readable.from([Buffer.from(body)]),
    userId,
    onConflict: 'replace',
    maxBytes: env.MAX_UPLOAD_BYTES,
  });
};
