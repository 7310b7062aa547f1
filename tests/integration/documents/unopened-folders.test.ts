import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { db } from '@/lib/db';
import { PROJECT_ROOT } from '@/lib/embedded/migrate';
import { runJanitor } from '@/lib/documents/janitor';
import { syncUnopenedFolders } from '@/lib/documents/reconcile';
import { documentKey } from '@/lib/storage/keys';
import { putExternalObject, uniqueFolder } from '../../support/documents';
import { makeUser, sessionCookie } from '../../support/session';
import { search, uniqueTag } from '../search/fixtures';

// The janitor's "unopened folders" step (lib/documents/reconcile.ts syncUnopenedFolders): what
// other tools put in folders nobody has opened becomes documents, so search finds it. Each test
// works below a folder of its own (`under`), on the tier's prefix, so it syncs nothing of others.

let cookie: string;

beforeAll(async () => {
  cookie = await sessionCookie(await makeUser('viewer'));
});

/** Three objects another tool wrote, three levels deep, under a folder no row knows yet. */
const seedBucket = async (tag: string) => {
  const top = uniqueFolder('unopened');
  await putExternalObject(documentKey({ folder: top, name: `${tag} top.docx` }), 'top');
  await putExternalObject(documentKey({ folder: `${top}/Deep`, name: `${tag} deep.xlsx` }), 'deep');
  await putExternalObject(documentKey({ folder: `${top}/Deep/Deeper`, name: `${tag} deeper.pptx` }), 'deeper');

  return top;
};

describe('syncing folders nobody has opened', () => {
  it('GET /api/documents/search?q= finds nothing in a never-opened folder; after the sync, all three levels', async () => {
    const tag = uniqueTag();
    const top = await seedBucket(tag);
    expect((await search({ q: tag }, cookie)).total).toBe(0);

    const report = await syncUnopenedFolders({ under: top });

    expect(report).toMatchObject({ synced: 3, added: 3, changed: 0, missing: 0, failed: 0, pending: 0 });
    const found = await search({ q: tag }, cookie);
    expect(found.results.map((result) => [result.folder, result.name]).sort()).toEqual([
      [top, `${tag} top.docx`],
      [`${top}/Deep`, `${tag} deep.xlsx`],
      [`${top}/Deep/Deeper`, `${tag} deeper.pptx`],
    ]);
    const folders = await db.folder.findMany({ where: { path: { startsWith: top } }, orderBy: { path: 'asc' } });
    expect(folders.map((folder) => [folder.path, folder.syncedAt !== null])).toEqual([
      [top, true],
      [`${top}/Deep`, true],
      [`${top}/Deep/Deeper`, true],
    ]);
  });

  it('a second run syncs nothing (every folder was opened); a new object there waits for a visit', async () => {
    const tag = uniqueTag();
    const top = await seedBucket(tag);
    await syncUnopenedFolders({ under: top });

    const again = await syncUnopenedFolders({ under: top });

    expect(again).toMatchObject({ synced: 0, added: 0, pending: 0 });
  });

  it('dry run → counts the folder it would sync, changes nothing', async () => {
    const tag = uniqueTag();
    const top = await seedBucket(tag);

    const report = await syncUnopenedFolders({ under: top, dryRun: true });

    expect(report).toMatchObject({ synced: 0, added: 0, pending: 1 });
    expect(await db.folder.count({ where: { path: { startsWith: top } } })).toBe(0);
    expect(await db.document.count({ where: { folder: { startsWith: top } } })).toBe(0);
  });

  it('a folder found but not yet synced (a row with syncedAt null) is synced and its subfolders after it', async () => {
    const tag = uniqueTag();
    const top = await seedBucket(tag);
    await db.folder.createMany({
      data: [
        { path: top, parent: '', name: top, syncedAt: new Date() },
        { path: `${top}/Deep`, parent: top, name: 'Deep', syncedAt: null },
      ],
    });

    const report = await syncUnopenedFolders({ under: top });

    // The top folder counts as opened: its own object waits for a visit; Deep and Deeper are synced.
    expect(report).toMatchObject({ synced: 2, added: 2, pending: 0 });
    expect(await db.document.count({ where: { folder: top } })).toBe(0);
  });

  it('an aborted run stops between folders with the abort reason, leaving the rest for the next run', async () => {
    const tag = uniqueTag();
    const top = await seedBucket(tag);
    const controller = new AbortController();
    controller.abort(new Error('stopping'));

    await expect(syncUnopenedFolders({ under: top, signal: controller.signal })).rejects.toThrow('stopping');
    expect(await syncUnopenedFolders({ under: top })).toMatchObject({ synced: 3, added: 3 });
  });

  it('maintenance run (dry run, JANITOR_SYNC_FOLDERS on) → the report counts unopened folders; off → the step is skipped', async () => {
    const tag = uniqueTag();
    const top = await seedBucket(tag);
    await db.folder.create({ data: { path: top, parent: '', name: top, syncedAt: null } });

    const on = await runJanitor({ dryRun: true, settings: { syncFolders: true } });
    const off = await runJanitor({ dryRun: true, settings: { syncFolders: false } });

    expect(on.skipped).toBe(false);
    expect(on.folders.pending).toBeGreaterThanOrEqual(1);
    expect(off.folders).toMatchObject({ synced: 0, pending: 0 });
    expect(await db.document.count({ where: { folder: { startsWith: top } } })).toBe(0);
  });

  it('npm run cli -- documents reconcile --unopened --folder F → JSON of the sync; the documents are there', async () => {
    const tag = uniqueTag();
    const top = await seedBucket(tag);

    const { stdout } = await promisify(execFile)(
      path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'),
      ['scripts/cli.ts', 'documents', 'reconcile', '--unopened', '--folder', top],
      { cwd: PROJECT_ROOT, env: { ...process.env, ...inject('runtimeEnv') } },
    );

    expect(JSON.parse(stdout)).toMatchObject({ synced: 3, added: 3, failed: 0, pending: 0 });
    expect(await db.document.count({ where: { folder: { startsWith: top } } })).toBe(3);
  });
});
