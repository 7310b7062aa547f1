import { describe, expect, it } from 'vitest';
import { sql } from '@/lib/db';
import { makeUser, sessionCookie } from '../../support/session';
import { fetchRecent, insertDocument, uniqueTag } from './fixtures';

type RecentBody = { documents: { id: string; name: string; folder: string; lastUsedAt: string; lastAction: string }[] };

const insertEvents = async (
  events: { at: Date; action: string; userId: string; documentId: string; outcome?: string }[],
) => {
  await sql(
    `INSERT INTO "AuditEvent" (at, action, outcome, "userId", "documentId")
     SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::uuid[], $5::uuid[])`,
    [
      events.map((event) => event.at),
      events.map((event) => event.action),
      events.map((event) => event.outcome ?? 'success'),
      events.map((event) => event.userId),
      events.map((event) => event.documentId),
    ],
  );
};

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

const recent = async (cookie: string) => {
  const response = await fetchRecent(cookie);
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');

  return (await response.json()) as RecentBody;
};

describe('GET /api/documents/recent', () => {
  it('GET /api/documents/recent without a session → 401', async () => {
    expect((await fetchRecent()).status).toBe(401);
  });

  it('GET /api/documents/recent as a new user → 200 with an empty list', async () => {
    expect((await recent(await sessionCookie(await makeUser('viewer')))).documents).toEqual([]);
  });

  it('GET /api/documents/recent → own opens and saves, newest first, once per document, without deleted or missing ones', async () => {
    const tag = uniqueTag();
    const user = await makeUser('editor');
    const other = await makeUser('editor');
    const [a, b, c, deleted, missing, othersOnly, locked] = await Promise.all(
      ['a.docx', 'b.xlsx', 'c.pptx', 'deleted.docx', 'missing.docx', 'others.docx', 'locked.docx'].map((name) =>
        insertDocument({ name: `${tag} ${name}`, folder: `${tag}/Team` }),
      ),
    );
    await insertEvents([
      { at: minutesAgo(50), action: 'wopi.open', userId: user.id, documentId: a!.id },
      { at: minutesAgo(40), action: 'wopi.open', userId: user.id, documentId: b!.id },
      { at: minutesAgo(30), action: 'wopi.save', userId: user.id, documentId: a!.id },
      { at: minutesAgo(25), action: 'document.upload', userId: user.id, documentId: c!.id },
      { at: minutesAgo(20), action: 'wopi.open', userId: user.id, documentId: deleted!.id },
      { at: minutesAgo(15), action: 'wopi.save', userId: user.id, documentId: missing!.id },
      // Not the user's, not an open or save, or refused: none of these count.
      { at: minutesAgo(10), action: 'wopi.open', userId: other.id, documentId: othersOnly!.id },
      { at: minutesAgo(5), action: 'wopi.lock', userId: user.id, documentId: locked!.id },
      { at: minutesAgo(4), action: 'wopi.open', userId: user.id, documentId: locked!.id, outcome: 'denied' },
    ]);
    await sql(`UPDATE "Document" SET "deletedAt" = now(), key = key || '.trash' WHERE id = $1`, [deleted!.id]);
    await sql(`UPDATE "Document" SET "missingSince" = now() WHERE id = $1`, [missing!.id]);

    const body = await recent(await sessionCookie(user));
    expect(body.documents.map((doc) => [doc.name, doc.lastAction])).toEqual([
      [`${tag} c.pptx`, 'document.upload'],
      [`${tag} a.docx`, 'wopi.save'],
      [`${tag} b.xlsx`, 'wopi.open'],
    ]);
    expect(body.documents[0]).toMatchObject({ folder: `${tag}/Team`, id: c!.id });
    expect(new Date(body.documents[1]!.lastUsedAt).getTime()).toBeCloseTo(minutesAgo(30).getTime(), -4);
  });

  it('GET /api/documents/recent → at most 20 documents', async () => {
    const tag = uniqueTag();
    const user = await makeUser('viewer');
    const docs = [];
    for (let index = 0; index < 25; index++) docs.push(await insertDocument({ name: `${tag} ${index}.txt` }));
    await insertEvents(
      docs.map((doc, index) => ({
        at: minutesAgo(100 - index),
        action: 'wopi.open',
        userId: user.id,
        documentId: doc.id,
      })),
    );
    const body = await recent(await sessionCookie(user));
    expect(body.documents).toHaveLength(20);
    expect(body.documents[0]!.name).toBe(`${tag} 24.txt`);
    expect(body.documents.at(-1)!.name).toBe(`${tag} 5.txt`);
  });
});
