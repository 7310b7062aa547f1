import { beforeAll, describe, expect, it } from 'vitest';
import { makeUser, sessionCookie } from '../../support/session';
import { fetchAuditCsv, insertEvents, makeDocument, makeNamedUser, parseCsv, uniqueTag } from './audit-fixtures';

let admin: string;

beforeAll(async () => {
  admin = await sessionCookie(await makeUser('admin'));
});

const HEADER = [
  'id',
  'time_utc',
  'time_local (UTC)',
  'user',
  'user_id',
  'action',
  'outcome',
  'document_id',
  'document',
  'folder',
  'details',
];

/** The body chunk by chunk, as a client receives it. */
const readChunks = async (response: Response) => {
  const decoder = new TextDecoder();
  const chunks: string[] = [];
  const reader = response.body!.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    chunks.push(decoder.decode(next.value, { stream: true }));
  }

  return chunks;
};

describe('GET /api/admin/audit.csv: who may export', () => {
  it('GET /api/admin/audit.csv without a session → 401', async () => {
    expect((await fetchAuditCsv('')).status).toBe(401);
  });

  it.each(['viewer', 'editor'] as const)('GET /api/admin/audit.csv as %s → 403 forbidden', async (role) => {
    const response = await fetchAuditCsv('', await sessionCookie(await makeUser(role)));
    expect(response.status).toBe(403);
    expect((await response.json()).error.code).toBe('forbidden');
  });

  it('GET /api/admin/audit.csv?to=nonsense → 400 invalid_filter before any byte of CSV', async () => {
    const response = await fetchAuditCsv('to=nonsense', admin);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/json/);
  });
});

describe('GET /api/admin/audit.csv: the export', () => {
  it('GET /api/admin/audit.csv?user=… → 2,500 rows streamed in keyset batches, newest first, as a dated attachment', async () => {
    const tag = uniqueTag();
    const user = await makeNamedUser(`${tag}@test.example`);
    const inserted = await insertEvents(
      Array.from({ length: 2500 }, (_, i) => ({
        // Ties: four events per second.
        at: new Date(Date.UTC(2007, 0, 1) + Math.floor(i / 4) * 1000),
        action: 'wopi.lock',
        userId: user.id,
      })),
    );

    const response = await fetchAuditCsv(`user=${encodeURIComponent(user.email)}&tz=UTC`, admin);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="audit-log-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(response.headers.get('cache-control')).toBe('no-store');
    // Streamed (batch by batch: the header, then one write per 1000 rows), never the whole export
    // at once: no length up front, and over HTTP it arrives in more than one piece.
    expect(response.headers.get('content-length')).toBeNull();
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    const chunks = await readChunks(response);
    expect(chunks.length).toBeGreaterThan(1);
    const records = parseCsv(chunks.join(''));
    expect(records[0]).toEqual(HEADER);
    const rows = records.slice(1);
    expect(rows.map((row) => row[0])).toEqual([...inserted].reverse());
    expect(rows[0]!.slice(1, 8)).toEqual([
      '2007-01-01T00:10:24.000Z',
      '2007-01-01 00:10:24.000',
      user.email,
      user.id,
      'wopi.lock',
      'success',
      '',
    ]);
  });

  it('GET /api/admin/audit.csv?user=… → commas, quotes, line breaks quoted (RFC 4180); cells starting = + - @ prefixed with an apostrophe', async () => {
    const tag = uniqueTag();
    const user = await makeNamedUser(`${tag}@test.example`);
    const formula = await makeDocument({ name: `=HYPERLINK("http://evil.example","${tag}").xlsx`, folder: `-${tag}` });
    const quoted = await makeDocument({ name: `Budget, "final" ${tag}.xlsx`, folder: `audit-${tag}` });
    await insertEvents([
      { at: new Date('2008-01-01T00:00:00Z'), action: 'wopi.open', userId: user.id, documentId: formula.id },
      {
        at: new Date('2008-01-02T00:00:00Z'),
        action: 'wopi.save',
        userId: user.id,
        documentId: quoted.id,
        details: { note: 'line one\r\nline "two", three' },
      },
      { at: new Date('2008-01-03T00:00:00Z'), action: `@${tag}`, userId: user.id, details: { name: `+${tag}.docx` } },
    ]);

    const text = (await readChunks(await fetchAuditCsv(`user=${user.email}`, admin))).join('');
    const [, plus, saved, opened] = parseCsv(text);
    expect(opened![8]).toBe(`'=HYPERLINK("http://evil.example","${tag}").xlsx`);
    expect(opened![9]).toBe(`'-${tag}`);
    expect(saved![8]).toBe(`Budget, "final" ${tag}.xlsx`);
    expect(JSON.parse(saved![10]!)).toEqual({ note: 'line one\r\nline "two", three' });
    expect(plus![5]).toBe(`'@${tag}`);
    expect(plus![8]).toBe(`'+${tag}.docx`);
    // On the wire: every such cell quoted, with the leading apostrophe inside the quotes.
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""${tag}"").xlsx"`);
    expect(text).toContain(`"Budget, ""final"" ${tag}.xlsx"`);
  });

  it('GET /api/admin/audit.csv?action=&outcome=&from=&tz= → only the matching events, local times in that zone', async () => {
    const tag = uniqueTag();
    const [, failedSave, , lateFailedSave] = await insertEvents([
      { at: new Date('2009-06-01T10:00:00Z'), action: `${tag}.save`, outcome: 'success' },
      { at: new Date('2009-06-01T11:00:00Z'), action: `${tag}.save`, outcome: 'failure' },
      { at: new Date('2009-06-01T12:00:00Z'), action: `${tag}.lock`, outcome: 'failure' },
      { at: new Date('2009-06-02T22:30:00Z'), action: `${tag}.save`, outcome: 'failure' },
    ]);
    const query = `action=${tag}.save&outcome=failure&from=2009-06-01&to=2009-06-02&tz=Europe%2FBerlin`;
    const records = parseCsv((await readChunks(await fetchAuditCsv(query, admin))).join(''));
    expect(records[0]![2]).toBe('time_local (Europe/Berlin)');
    // 22:30 UTC on the 2nd is already the 3rd in Berlin (UTC+2): outside the range.
    expect(records.slice(1).map((row) => row[0])).toEqual([failedSave]);
    expect(records[1]![2]).toBe('2009-06-01 13:00:00.000');
    expect(lateFailedSave).toBeDefined();
  });
});
