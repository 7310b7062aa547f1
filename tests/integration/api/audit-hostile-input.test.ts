import { beforeAll, describe, expect, it } from 'vitest';
import { makeUser, sessionCookie } from '../../support/session';
import { fetchAuditPage } from './audit-fixtures';

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

  it('GET /api/admin/audit?to=9999-12-31 → 200 (the day after it is a day startOfDayIn takes)', async () => {
    expect((await fetchAuditPage('to=9999-12-31', admin)).status).toBe(200);
  });
});
