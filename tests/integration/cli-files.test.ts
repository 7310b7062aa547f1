import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { db } from '@/lib/db';
import { PROJECT_ROOT } from '@/lib/embedded/migrate';
import { documentKey } from '@/lib/storage/keys';
import { getObjectStream, headObject } from '@/lib/storage/objects';
import { addDocument, uniqueFolder } from '../support/documents';
import { holdLock } from '../support/files-api';

const exec = promisify(execFile);
const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');

/** Runs `npm run cli -- …` as a user would, against the test's Postgres and S3. */
const cli = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await exec(TSX, ['scripts/cli.ts', ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...inject('runtimeEnv') },
    });

    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };

    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};

const textAt = async (key: string) => new Response((await getObjectStream(key)).body).text();

describe('npm run cli -- documents rename|move|copy|delete', () => {
  it('documents rename, move (not into a folder that does not exist: exit 1), copy, delete → JSON of the result; the bucket follows; audited via cli', async () => {
    const folder = uniqueFolder('cli');
    const doc = await addDocument(folder, 'A.docx', 'cli bytes');
    const renamed = await cli('documents', 'rename', doc.id, 'B.docx');
    expect(renamed.code).toBe(0);
    expect(JSON.parse(renamed.stdout)).toEqual({ id: doc.id, folder, name: 'B.docx' });

    const nowhere = await cli('documents', 'move', doc.id, '--to', `${folder}/sub`);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toContain(`The folder "${folder}/sub" does not exist.`);
    expect((await cli('folders', 'create', `${folder}/sub`)).code).toBe(0);
    const moved = await cli('documents', 'move', doc.id, '--to', `${folder}/sub`);
    expect(JSON.parse(moved.stdout)).toEqual({ id: doc.id, folder: `${folder}/sub`, name: 'B.docx' });
    expect(await textAt(documentKey({ folder: `${folder}/sub`, name: 'B.docx' }))).toBe('cli bytes');

    const copied = await cli('documents', 'copy', doc.id, '--to', folder, '--name', 'C.docx');
    expect(copied.code).toBe(0);
    const copy = JSON.parse(copied.stdout) as { id: string; name: string };
    expect(copy.name).toBe('C.docx');
    expect(await textAt(documentKey({ folder, name: 'C.docx' }))).toBe('cli bytes');

    const deleted = await cli('documents', 'delete', doc.id);
    expect(deleted.code).toBe(0);
    expect(await headObject(documentKey({ folder: `${folder}/sub`, name: 'B.docx' }))).toBeNull();
    const events = await db.auditEvent.findMany({ where: { documentId: doc.id }, orderBy: { id: 'asc' } });
    expect(events.map((event) => [event.action, (event.details as { via?: string }).via])).toEqual([
      ['document.rename', 'cli'],
      ['document.move', 'cli'],
      ['document.delete', 'cli'],
    ]);
  });

  it('documents rename to a taken name → exit 1 "already exists"; --on-conflict rename → "B (1).docx"; locked → exit 1 "open for editing"', async () => {
    const folder = uniqueFolder('cli');
    const doc = await addDocument(folder, 'A.docx');
    await addDocument(folder, 'B.docx');
    const taken = await cli('documents', 'rename', doc.id, 'B.docx');
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('already exists');
    const renamed = await cli('documents', 'rename', doc.id, 'B.docx', '--on-conflict', 'rename');
    expect(JSON.parse(renamed.stdout)).toMatchObject({ name: 'B (1).docx' });
    await holdLock(doc.id);
    const locked = await cli('documents', 'delete', doc.id);
    expect(locked.code).toBe(1);
    expect(locked.stderr).toContain('is open for editing');
  });

  it('usage errors → exit 2: a missing id, a missing --to, a bad --on-conflict', async () => {
    const missingId = await cli('documents', 'rename');
    expect(missingId.code).toBe(2);
    expect(missingId.stderr).toContain('Missing the document id');
    const missingTo = await cli('documents', 'move', '00000000-0000-4000-8000-000000000000');
    expect(missingTo.code).toBe(2);
    expect(missingTo.stderr).toContain('--to is required');
    const badMode = await cli('folders', 'move', 'x', '--to', 'y', '--on-conflict', 'clobber');
    expect(badMode.code).toBe(2);
    expect(badMode.stderr).toContain('--on-conflict must be fail, rename or merge');
  });
});

describe('npm run cli -- folders list|create|rename|move|delete', () => {
  it('folders create, list, rename, move, copy, delete → JSON reports; documents follow their folder', async () => {
    const root = uniqueFolder('clif');
    await addDocument(`${root}/sub`, 'x.docx', 'x');
    const created = await cli('folders', 'create', `${root}/New`);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toEqual({ path: `${root}/New`, name: 'New', parent: root });
    const listed = JSON.parse((await cli('folders', 'list', '--folder', root)).stdout) as { name: string }[];
    expect(listed.map((folder) => folder.name)).toEqual(['New', 'sub']);

    const renamed = await cli('folders', 'rename', `${root}/sub`, 'renamed');
    expect(JSON.parse(renamed.stdout)).toEqual({ path: `${root}/renamed`, documents: 1, skipped: [] });
    const moved = await cli('folders', 'move', `${root}/renamed`, '--to', `${root}/New`);
    expect(JSON.parse(moved.stdout)).toMatchObject({ path: `${root}/New/renamed`, documents: 1 });
    expect(await textAt(documentKey({ folder: `${root}/New/renamed`, name: 'x.docx' }))).toBe('x');
    const copied = await cli('folders', 'copy', `${root}/New`, '--to', '', '--name', `${root}-copy`);
    expect(JSON.parse(copied.stdout)).toMatchObject({ path: `${root}-copy`, documents: 1 });

    const deleted = await cli('folders', 'delete', `${root}/New`);
    expect(deleted.code).toBe(0);
    expect(JSON.parse(deleted.stdout)).toMatchObject({ path: `${root}/New`, documents: 1 });
    expect(await db.folder.findUnique({ where: { path: `${root}/New` } })).toBeNull();
  });

  it('folders rename while a document in it is open → exit 1 naming it; into itself → exit 1; unknown → exit 1 "No folder"', async () => {
    const root = uniqueFolder('clif');
    const doc = await addDocument(root, 'open.docx');
    await holdLock(doc.id);
    const locked = await cli('folders', 'rename', root, `${root}-x`);
    expect(locked.code).toBe(1);
    expect(locked.stderr).toContain(`"${root}/open.docx" is open for editing`);
    const inside = await cli('folders', 'move', root, '--to', `${root}/deeper`);
    expect(inside.code).toBe(1);
    expect(inside.stderr).toContain('into itself');
    const unknown = await cli('folders', 'delete', uniqueFolder('nope'));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No folder');
  });

  it('folders --help → exit 0 with the folders commands only', async () => {
    const help = await cli('folders', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('folders move <path> --to F');
    expect(help.stdout).not.toContain('users add');
  });
});
