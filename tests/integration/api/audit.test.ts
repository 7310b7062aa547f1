import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeUser, sessionCookie } from '../../support/session';
import {
  auditPage,
  fetchAuditPage,
  insertEvents,
  makeDocument,
  makeNamedUser,
  uniqueTag,
  type PageBody,
  type PageEvent,
} from './audit-fixtures';

let admin: string;

beforeAll(async () => {
  admin = await sessionCookie(await makeUser('admin'));
});

const day = (iso: string) => new Date(iso);
const ids = (events: PageEvent[]) => events.map((event) => event.id);

describe('GET /api/admin/audit: who may read', () => {
  it('GET /api/admin/audit without a session → 401', async () => {
    const response = await fetchAuditPage('');
    expect(response.status).toBe(401);
  });

  it.each(['viewer', 'editor'] as const)('GET /api/admin/audit as %s → 403 forbidden', async (role) => {
    const response = await fetchAuditPage('', await sessionCookie(await makeUser(role)));
    expect(response.status).toBe(403);
    expect((await response.json()).error.code).toBe('forbidden');
  });

  it('GET /api/admin/audit as admin → 200, newest first, at most 50, no-store', async () => {
    const response = await fetchAuditPage('', admin);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as PageBody;
    expect(body.events.length).toBeLessThanOrEqual(50);
    const times = body.events.map((event) => event.at);
    expect(times).toEqual([...times].sort().reverse());
  });

  it.each([
    ['from=2026-02-30', 'From: use a date as YYYY-MM-DD.'],
    ['from=2026-11-30&to=2026-11-01', 'The start date is after the end date.'],
    ['outcome=maybe', 'Outcome: one of success, failure, denied.'],
    ['before=not-a-cursor', 'The page position is not valid: start again from the first page.'],
  ])('GET /api/admin/audit?%s → 400 invalid_filter', async (query, message) => {
    const response = await fetchAuditPage(query, admin);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ code: 'invalid_filter', message });
  });
});

describe('GET /api/admin/audit: filters', () => {
  it('GET /api/admin/audit?user=<email> → that user only; exact email wins over longer ones; part of an email → every match', async () => {
    const tag = uniqueTag();
    const ann = await makeNamedUser(`${tag}@test.example`);
    const joann = await makeNamedUser(`jo${tag}@test.example`);
    const [a1, a2] = await insertEvents([
      { at: day('2003-01-01T10:00:00Z'), action: `${tag}.a`, userId: ann.id },
      { at: day('2003-01-02T10:00:00Z'), action: `${tag}.a`, userId: ann.id },
    ]);
    const [j1] = await insertEvents([{ at: day('2003-01-03T10:00:00Z'), action: `${tag}.a`, userId: joann.id }]);

    const exact = await auditPage({ user: `${tag}@TEST.example` }, admin);
    expect(ids(exact.events)).toEqual([a2, a1]);
    expect(exact.events[0]!.user).toEqual({ id: ann.id, email: ann.email });

    expect(ids((await auditPage({ user: tag }, admin)).events)).toEqual([j1, a2, a1]);
    expect(ids((await auditPage({ user: ann.id }, admin)).events)).toEqual([a2, a1]);
    expect((await auditPage({ user: `nobody-${tag}` }, admin)).events).toEqual([]);
  });

  it('GET /api/admin/audit?document=<id> → its events and its purge; ?document=<part of a name> → existing and purged documents', async () => {
    const tag = uniqueTag();
    const user = await makeNamedUser(`${tag}@test.example`);
    const doc = await makeDocument({ name: `Report ${tag}.docx`, folder: `audit-${tag}/Sub` });
    const trashed = await makeDocument({ name: `Old ${tag}.xlsx`, folder: `audit-${tag}`, isDeleted: true });
    // A document purged by the janitor: its row is gone, its event keeps its id and name.
    const gone = randomUUID();
    const [open, save, trash, purged, other] = await insertEvents([
      { at: day('2004-01-01T10:00:00Z'), action: 'wopi.open', userId: user.id, documentId: doc.id },
      { at: day('2004-01-02T10:00:00Z'), action: 'wopi.save', userId: user.id, documentId: doc.id },
      { at: day('2004-01-03T10:00:00Z'), action: 'wopi.delete', userId: user.id, documentId: trashed.id },
      {
        at: day('2004-01-04T10:00:00Z'),
        action: 'janitor.trash_purged',
        documentId: gone,
        details: { documentId: gone, name: `Gone ${tag}.pptx`, folder: `audit-${tag}` },
      },
      { at: day('2004-01-05T10:00:00Z'), action: 'wopi.open', userId: user.id },
    ]);

    const byId = await auditPage({ document: doc.id }, admin);
    expect(ids(byId.events)).toEqual([save, open]);
    expect(byId.events[1]!.document).toEqual({
      id: doc.id,
      name: doc.name,
      folder: `audit-${tag}/Sub`,
      isDeleted: false,
    });
    expect(ids((await auditPage({ document: gone }, admin)).events)).toEqual([purged]);

    const byName = await auditPage({ document: tag.toUpperCase() }, admin);
    expect(ids(byName.events)).toEqual([purged, trash, save, open]);
    expect(byName.events[0]!.document).toMatchObject({ id: gone, name: null });
    expect(byName.events[0]!.details).toMatchObject({ name: `Gone ${tag}.pptx` });
    expect(byName.events[1]!.document).toMatchObject({ id: trashed.id, isDeleted: true });
    expect(ids(byName.events)).not.toContain(other);
    expect(ids((await auditPage({ document: `Report ${tag}` }, admin)).events)).toEqual([save, open]);
    expect(ids((await auditPage({ document: `Gone ${tag}` }, admin)).events)).toEqual([purged]);
    // % and _ are literal characters, not LIKE wildcards.
    expect((await auditPage({ document: `Rep_rt ${tag}` }, admin)).events).toEqual([]);
    expect((await auditPage({ document: `%${tag}` }, admin)).events).toEqual([]);
  });

  it('GET /api/admin/audit?action= exact, ?actionText= over the select, a trailing * for a prefix, and an unknown action → none', async () => {
    const tag = uniqueTag();
    const [alpha, beta, gamma] = await insertEvents([
      { at: day('2005-01-01T10:00:00Z'), action: `${tag}.alpha` },
      { at: day('2005-01-02T10:00:00Z'), action: `${tag}.beta` },
      { at: day('2005-01-03T10:00:00Z'), action: `${tag}x.gamma` },
    ]);
    expect(ids((await auditPage({ action: `${tag}.alpha` }, admin)).events)).toEqual([alpha]);
    expect(ids((await auditPage({ action: `${tag}.alpha`, actionText: `${tag}.beta` }, admin)).events)).toEqual([beta]);
    expect(ids((await auditPage({ actionText: `${tag}.*` }, admin)).events)).toEqual([beta, alpha]);
    expect(ids((await auditPage({ actionText: `${tag}*` }, admin)).events)).toEqual([gamma, beta, alpha]);
    expect((await auditPage({ action: `${tag}.delta` }, admin)).events).toEqual([]);
    expect((await auditPage({ action: `${tag}.delta*` }, admin)).events).toEqual([]);
  });

  it('GET /api/admin/audit?outcome=failure|denied → only those, combined with the other filters', async () => {
    const tag = uniqueTag();
    const [ok, failed, denied] = await insertEvents([
      { at: day('2006-01-01T10:00:00Z'), action: `${tag}.x`, outcome: 'success' },
      { at: day('2006-01-02T10:00:00Z'), action: `${tag}.x`, outcome: 'failure' },
      { at: day('2006-01-03T10:00:00Z'), action: `${tag}.x`, outcome: 'denied' },
    ]);
    expect(ids((await auditPage({ action: `${tag}.x`, outcome: 'failure' }, admin)).events)).toEqual([failed]);
    expect(ids((await auditPage({ action: `${tag}.x`, outcome: 'denied' }, admin)).events)).toEqual([denied]);
    expect(ids((await auditPage({ action: `${tag}.x`, outcome: 'success' }, admin)).events)).toEqual([ok]);
  });

  it("GET /api/admin/audit?from=&to= are days in the user's time zone (query, else cookie, else UTC), both ends included", async () => {
    const tag = uniqueTag();
    // Berlin is UTC+1 in March 2001.
    const [lateOn10th, noon11th, lateOn11th, on12th] = await insertEvents([
      { at: day('2001-03-10T23:30:00Z'), action: `${tag}.x` }, // Berlin: 11th 00:30
      { at: day('2001-03-11T12:00:00Z'), action: `${tag}.x` },
      { at: day('2001-03-11T23:30:00Z'), action: `${tag}.x` }, // Berlin: 12th 00:30
      { at: day('2001-03-12T12:00:00Z'), action: `${tag}.x` },
    ]);
    const range = { action: `${tag}.x`, from: '2001-03-11', to: '2001-03-11' };
    expect(ids((await auditPage({ ...range, tz: 'Europe/Berlin' }, admin)).events)).toEqual([noon11th, lateOn10th]);
    expect(ids((await auditPage({ ...range, tz: 'UTC' }, admin)).events)).toEqual([lateOn11th, noon11th]);
    expect(ids((await auditPage(range, admin)).events)).toEqual([lateOn11th, noon11th]);
    expect(ids((await auditPage(range, `${admin}; tz=Europe%2FBerlin`)).events)).toEqual([noon11th, lateOn10th]);
    expect(ids((await auditPage({ action: `${tag}.x`, from: '2001-03-12' }, admin)).events)).toEqual([on12th]);
    expect(
      ids((await auditPage({ action: `${tag}.x`, from: '2001-03-12', tz: 'Europe/Berlin' }, admin)).events),
    ).toEqual([on12th, lateOn11th]);
    expect(ids((await auditPage({ action: `${tag}.x`, to: '2001-03-10' }, admin)).events)).toEqual([lateOn10th]);
  });
});

describe('GET /api/admin/audit: keyset pagination', () => {
  it('GET /api/admin/audit?before= / ?after= walk 125 events with ties on `at` across 3 pages, no gaps, no repeats', async () => {
    const tag = uniqueTag();
    const user = await makeNamedUser(`${tag}@test.example`);
    // Five events share each second: the order within a second is by id.
    const inserted = await insertEvents(
      Array.from({ length: 125 }, (_, i) => ({
        at: new Date(Date.UTC(2002, 0, 1) + Math.floor(i / 5) * 1000),
        action: `${tag}.tick`,
        userId: user.id,
      })),
    );
    const expected = [...inserted].reverse(); // later seconds first; within a second, higher ids first

    const first = await auditPage({ user: user.email }, admin);
    expect(first.newer).toBeNull();
    expect(first.older).not.toBeNull();
    const second = await auditPage({ user: user.email, before: first.older! }, admin);
    const third = await auditPage({ user: user.email, before: second.older! }, admin);
    expect([first, second, third].map((page) => page.events.length)).toEqual([50, 50, 25]);
    expect(third.older).toBeNull();
    expect([...ids(first.events), ...ids(second.events), ...ids(third.events)]).toEqual(expected);

    // Back: the newer page of the third is the second, and of the second the first (no cursor left).
    const back = await auditPage({ user: user.email, after: third.newer! }, admin);
    expect(ids(back.events)).toEqual(ids(second.events));
    expect(back.newer).toEqual(second.newer);
    const top = await auditPage({ user: user.email, after: back.newer! }, admin);
    expect(ids(top.events)).toEqual(ids(first.events));
    expect(top.newer).toBeNull();

    // A cursor in the middle of a tie (the 3rd of 5 events in one second) splits it exactly.
    const middle = first.events[2]!;
    const cursor = `${new Date(middle.at).getTime()}_${middle.id}`;
    const after = await auditPage({ user: user.email, before: cursor }, admin);
    expect(ids(after.events)).toEqual(expected.slice(3, 53));
  });
});
