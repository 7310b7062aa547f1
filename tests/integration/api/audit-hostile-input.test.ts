import { beforeAll, describe, expect, it } from 'vitest';
import { makeUser, sessionCookie } from '../../support/session';
import { fetchAuditCsv, fetchAuditPage } from './audit-fixtures';

let admin: string;

beforeAll(async () => {
  admin = await sessionCookie(await makeUser('admin'));
});

describe('GET /api/admin/audit: hostile input', () => {
  it.each(['user=%00', 'document=a%00b', 'action=%00', 'actionText=wopi.%00'])(
    'GET /api/admin/audit?%s (NUL, which Postgres text cannot hold) → 400 invalid_text (refused at the API edge, lib/api/handler.ts), not 500',
    async (query) => {
      const response = await fetchAuditPage(query, admin);
      expect(response.status).toBe(400);
      expect((await response.json()).error.code).toBe('invalid_text');
    },
  );

  it.each(['tz=Mars%2FX', 'tz=Mars%2FX&from=2026-11-30', 'tz=Not%20a%20zone'])(
    'GET /api/admin/audit?%s (a time zone that does not exist) → 400 invalid_filter naming the time zone; the CSV too',
    async (query) => {
      const response = await fetchAuditPage(query, admin);
      expect(response.status).toBe(400);
      expect((await response.json()).error).toMatchObject({
        code: 'invalid_filter',
        message: expect.stringContaining('Time zone: not a known time zone'),
      });
      const csv = await fetchAuditCsv(query, admin);
      expect(csv.status).toBe(400);
      expect((await csv.json()).error.code).toBe('invalid_filter');
    },
  );

  it('GET /api/admin/audit with a stale tz cookie (Mars/X) and no tz parameter → 200 (the cookie falls back to UTC)', async () => {
    expect((await fetchAuditPage('from=2026-11-30', `${admin}; tz=Mars%2FX`)).status).toBe(200);
  });

  it.each(['before=1_9999999999999999999', 'after=1_9223372036854775808'])(
    'GET /api/admin/audit?%s (an id past Postgres bigint) → 400 invalid_filter, not 500; the CSV too',
    async (query) => {
      const response = await fetchAuditPage(query, admin);
      expect(response.status).toBe(400);
      expect((await response.json()).error.code).toBe('invalid_filter');
      expect((await fetchAuditCsv(query, admin)).status).toBe(400);
    },
  );

  it('GET /api/admin/audit?before=1_9223372036854775807 (the largest bigint) → 200', async () => {
    expect((await fetchAuditPage('before=1_9223372036854775807', admin)).status).toBe(200);
  });

  it('GET /api/admin/audit?to=9999-12-31 → 200 (the day after it is a day startOfDayIn takes)', async () => {
    expect((await fetchAuditPage('to=9999-12-31', admin)).status).toBe(200);
  });
});
