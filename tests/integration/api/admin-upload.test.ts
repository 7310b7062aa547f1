import { randomBytes, randomUUID, createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { documentKey } from '@/lib/storage/keys';
import { getObjectStream, headObject } from '@/lib/storage/objects';
import { mirrorLanded } from '../../support/documents';
import { partialRequest } from '../../support/portal-stream';
import { makeUser, sessionCookie } from '../../support/session';
import { apiRequest } from '../../support/users-api';

const upload = async (options: {
  cookie?: string;
  folder?: string;
  name?: string;
  onConflict?: string;
  body?: BodyInit | null;
  headers?: Record<string, string>;
}) => {
  const query = new URLSearchParams();
  if (options.folder !== undefined) query.set('folder', options.folder);
  if (options.name !== undefined) query.set('name', options.name);
  if (options.onConflict) query.set('onConflict', options.onConflict);
  const body = options.body === undefined ? 'hello' : options.body;

  return apiRequest(`/api/admin/documents?${query.toString()}`, {
    cookie: options.cookie,
    headers: options.headers,
    // Raw bytes, as the upload panel sends them (a string would go out as JSON).
    body: typeof body === 'string' ? new Blob([body]) : (body ?? undefined),
  });
};

/** The object's bytes; a document's visible object once the copy that follows each commit has landed. */
const readAll = async (key: string) => {
  await mirrorLanded({ key });

  return Buffer.from(await new Response((await getObjectStream(key)).body).arrayBuffer());
};

describe('POST /api/admin/documents', () => {
  it('without a session → 401', async () => {
    const response = await upload({ folder: 'x', name: 'a.docx' });
    expect(response.status).toBe(401);
  });

  it('as a viewer or editor → 403 and nothing stored', async () => {
    const folder = `f-${randomUUID()}`;
    for (const role of ['viewer', 'editor'] as const) {
      const response = await upload({ cookie: await sessionCookie(await makeUser(role)), folder, name: 'a.docx' });
      expect(response.status).toBe(403);
      expect((await response.json()).error.code).toBe('forbidden');
    }
    expect(await headObject(documentKey({ folder, name: 'a.docx' }))).toBeNull();
  });

  it('as an admin → 201, bytes in the bucket, row with size and SHA-256', async () => {
    const admin = await makeUser('admin');
    const folder = `f-${randomUUID()}/sub`;
    const body = randomBytes(3 * 1024 * 1024 + 17);
    const response = await upload({ cookie: await sessionCookie(admin), folder, name: 'Report.docx', body });
    expect(response.status).toBe(201);
    const { document } = await response.json();
    expect(document).toMatchObject({ name: 'Report.docx', folder, size: body.length, version: 1 });
    expect(document.sha256).toBe(createHash('sha256').update(body).digest('hex'));
    expect((await readAll(documentKey({ folder, name: 'Report.docx' }))).equals(body)).toBe(true);
    const row = await db.document.findUniqueOrThrow({ where: { id: document.id } });
    expect(row.createdById).toBe(admin.id);
    expect(await db.folder.findUnique({ where: { path: folder } })).not.toBeNull();
    const audit = await db.auditEvent.findFirst({ where: { documentId: document.id, action: 'document.upload' } });
    expect(audit?.outcome).toBe('success');
  });

  it('same name again → 409 name_conflict with a suggestion, original untouched', async () => {
    const cookie = await sessionCookie(await makeUser('admin'));
    const folder = `f-${randomUUID()}`;
    await upload({ cookie, folder, name: 'a.docx', body: 'first' });
    const response = await upload({ cookie, folder, name: 'a.docx', body: 'second' });
    expect(response.status).toBe(409);
    const { error } = await response.json();
    expect(error).toMatchObject({ code: 'name_conflict', suggestion: 'a (1).docx' });
    expect((await readAll(documentKey({ folder, name: 'a.docx' }))).toString()).toBe('first');
  });

  it('onConflict=rename → stored as "name (1).ext"', async () => {
    const cookie = await sessionCookie(await makeUser('admin'));
    const folder = `f-${randomUUID()}`;
    await upload({ cookie, folder, name: 'a.docx', body: 'first' });
    const response = await upload({ cookie, folder, name: 'a.docx', body: 'second', onConflict: 'rename' });
    expect(response.status).toBe(201);
    expect((await response.json()).document.name).toBe('a (1).docx');
  });

  it('onConflict=replace → 200, new bytes, version 2, previous content kept as a version', async () => {
    const cookie = await sessionCookie(await makeUser('admin'));
    const folder = `f-${randomUUID()}`;
    const first = await (await upload({ cookie, folder, name: 'a.docx', body: 'first' })).json();
    const response = await upload({ cookie, folder, name: 'a.docx', body: 'second!', onConflict: 'replace' });
    expect(response.status).toBe(200);
    const { document } = await response.json();
    expect(document).toMatchObject({ id: first.document.id, version: 2, size: 7 });
    expect((await readAll(documentKey({ folder, name: 'a.docx' }))).toString()).toBe('second!');
    const version = await db.documentVersion.findFirstOrThrow({ where: { documentId: document.id } });
    expect(version).toMatchObject({ version: 1, size: 5n });
    expect((await readAll(version.key)).toString()).toBe('first');
  });

  it.each([
    ['', 'The name is empty.'],
    ['a/b.docx', 'must not contain "/"'],
    ['bad:name.docx', 'must not contain ":"'],
    [' lead.docx', 'must not start or end with a space'],
  ])('invalid name %j → 400 invalid_name', async (name, message) => {
    const cookie = await sessionCookie(await makeUser('admin'));
    const response = await upload({ cookie, folder: 'x', name });
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error.code).toBe('invalid_name');
    expect(error.message).toContain(message);
  });

  it('reserved folder ".wopi" → 400 invalid_folder', async () => {
    const response = await upload({
      cookie: await sessionCookie(await makeUser('admin')),
      folder: '.wopi/versions',
      name: 'a.docx',
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('invalid_folder');
  });

  it('body over MAX_UPLOAD_BYTES (declared) → 413 before reading', async () => {
    const cookie = await sessionCookie(await makeUser('admin'));
    const query = new URLSearchParams({ folder: `f-${randomUUID()}`, name: 'big.bin' });
    // Content-Length: 65 MiB, one byte sent: the answer comes without the rest.
    const response = await partialRequest(`/api/admin/documents?${query.toString()}`, {
      headers: { cookie, 'content-length': String(65 * 1024 * 1024) },
      body: 'x',
    });
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body).error.code).toBe('too_large');
  });

  it('streamed body over MAX_UPLOAD_BYTES → 413, nothing stored, no row', async () => {
    const folder = `f-${randomUUID()}`;
    const chunk = new Uint8Array(1024 * 1024);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull: (controller) => {
        if (sent++ >= 70) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const response = await upload({
      cookie: await sessionCookie(await makeUser('admin')),
      folder,
      name: 'big.bin',
      body,
    });
    expect(response.status).toBe(413);
    expect(await headObject(documentKey({ folder, name: 'big.bin' }))).toBeNull();
    expect(await db.document.count({ where: { folder } })).toBe(0);
  });

  it('a replacing upload whose client goes away mid-body → previous document bytes intact; the next upload is version 2', async () => {
    const cookie = await sessionCookie(await makeUser('admin'));
    const folder = `f-${randomUUID()}`;
    await upload({ cookie, folder, name: 'a.docx', body: 'original' });
    const query = new URLSearchParams({ folder, name: 'a.docx', onConflict: 'replace' });
    // 3 MiB of the 10 MiB announced, then the connection closes.
    const cut = await partialRequest(`/api/admin/documents?${query.toString()}`, {
      headers: { cookie, 'content-length': String(10 * 1024 * 1024) },
      body: Buffer.alloc(3 * 1024 * 1024, 7),
      hangUp: true,
    });
    expect(cut.status).toBeNull();
    expect((await readAll(documentKey({ folder, name: 'a.docx' }))).toString()).toBe('original');
    expect((await db.document.findFirstOrThrow({ where: { folder } })).version).toBe(1);
    const next = await upload({ cookie, folder, name: 'a.docx', body: 'second', onConflict: 'replace' });
    expect(next.status).toBe(200);
    expect((await readAll(documentKey({ folder, name: 'a.docx' }))).toString()).toBe('second');
    expect((await db.document.findFirstOrThrow({ where: { folder } })).version).toBe(2);
  });
});

describe('GET /api/admin/documents?folder=&name= (pre-upload check)', () => {
  const check = async (cookie: string | undefined, folder: string, name: string) =>
    apiRequest(`/api/admin/documents?${new URLSearchParams({ folder, name }).toString()}`, { cookie, method: 'GET' });

  it('free name → 200 {exists:false}; taken → {exists:true, suggestion}', async () => {
    const cookie = await sessionCookie(await makeUser('admin'));
    const folder = `f-${randomUUID()}`;
    expect(await (await check(cookie, folder, 'a.docx')).json()).toEqual({ exists: false });
    await upload({ cookie, folder, name: 'a.docx', body: 'x' });
    expect(await (await check(cookie, folder, 'a.docx')).json()).toEqual({
      exists: true,
      suggestion: 'a (1).docx',
      locked: false,
    });
  });

  it('invalid name → 400 invalid_name; viewer → 403', async () => {
    const admin = await sessionCookie(await makeUser('admin'));
    const response = await check(admin, 'x', 'a?b.docx');
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('invalid_name');
    expect((await check(await sessionCookie(await makeUser('viewer')), 'x', 'a.docx')).status).toBe(403);
  });
});
