import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import type { PublicUser } from '@/lib/users/users';
import { addDocument, uniqueFolder } from '../../support/documents';
import { makeUser, sessionCookie } from '../../support/session';
import { apiRequest } from '../../support/users-api';

// Every API route that checks its input with zod tells a field that is missing (rule
// `required`) from one sent with the wrong type (rule `type`, with `expected` and `received`):
// `{"name":123}` is not "name is required". Nothing is changed by a refused request.

type ApiError = {
  code: string;
  message: string;
  field?: string;
  rule?: string;
  expected?: string;
  received?: string;
};

let admin: PublicUser;
let target: PublicUser;
const cookies = { admin: '', target: '' };
let doc: { id: string; folder: string; name: string };

beforeAll(async () => {
  admin = await makeUser('admin');
  target = await makeUser('editor');
  cookies.admin = await sessionCookie(admin);
  cookies.target = await sessionCookie(target);
  const folder = uniqueFolder('types');
  doc = { ...(await addDocument(folder, 'kept.txt')), folder, name: 'kept.txt' };
});

const send = async (path: string, body: unknown, cookie = cookies.admin) => {
  const response = await apiRequest(path, { cookie, body });

  return { status: response.status, error: ((await response.json()) as { error: ApiError }).error };
};

type Case = {
  name: string;
  path: () => string;
  /** The body, or a function making it once the fixtures exist. */
  body: unknown;
  code: string;
  field: string;
  expected: string;
  received: string;
  cookie?: () => string;
};

const WRONG_TYPES: Case[] = [
  {
    name: 'POST /api/admin/users {"name":123}',
    path: () => '/api/admin/users',
    body: { email: 'typed@test.example', role: 'editor', name: 123 },
    code: 'invalid_user',
    field: 'name',
    expected: 'string',
    received: 'number',
  },
  {
    name: 'POST /api/admin/users {"email":true}',
    path: () => '/api/admin/users',
    body: { email: true, role: 'editor' },
    code: 'invalid_user',
    field: 'email',
    expected: 'string',
    received: 'boolean',
  },
  {
    name: 'POST /api/admin/users/:id/role with an array body',
    path: () => `/api/admin/users/${target.id}/role`,
    body: ['viewer'],
    code: 'invalid_user',
    field: 'body',
    expected: 'object',
    received: 'array',
  },
  {
    name: 'POST /api/admin/users/:id/password {"password":12345678}',
    path: () => `/api/admin/users/${target.id}/password`,
    body: { password: 12345678 },
    code: 'invalid_password',
    field: 'password',
    expected: 'string',
    received: 'number',
  },
  {
    name: 'POST /api/account/password {"newPassword":null}',
    path: () => '/api/account/password',
    body: { currentPassword: 'correct horse battery', newPassword: null },
    code: 'invalid_password',
    field: 'newPassword',
    expected: 'string',
    received: 'null',
    cookie: () => cookies.target,
  },
  {
    name: 'POST /api/account/locale with a string body',
    path: () => '/api/account/locale',
    body: '"de"',
    code: 'invalid_locale',
    field: 'body',
    expected: 'object',
    received: 'string',
    cookie: () => cookies.target,
  },
  {
    name: 'POST /api/documents/:id/rename {"name":123}',
    path: () => `/api/documents/${doc.id}/rename`,
    body: { name: 123 },
    code: 'invalid_request',
    field: 'name',
    expected: 'string',
    received: 'number',
  },
  {
    name: 'POST /api/documents/:id/move {"folder":false}',
    path: () => `/api/documents/${doc.id}/move`,
    body: { folder: false },
    code: 'invalid_request',
    field: 'folder',
    expected: 'string',
    received: 'boolean',
  },
  {
    name: 'POST /api/documents/:id/copy {"name":{}}',
    path: () => `/api/documents/${doc.id}/copy`,
    body: () => ({ folder: doc.folder, name: {} }),
    code: 'invalid_request',
    field: 'name',
    expected: 'string',
    received: 'object',
  },
  {
    name: 'POST /api/documents/new {"folder":7}',
    path: () => '/api/documents/new',
    body: { folder: 7, kind: 'docx' },
    code: 'invalid_request',
    field: 'folder',
    expected: 'string',
    received: 'number',
  },
  {
    name: 'POST /api/folders {"name":["a"]}',
    path: () => '/api/folders',
    body: { parent: '', name: ['a'] },
    code: 'invalid_request',
    field: 'name',
    expected: 'string',
    received: 'array',
  },
  {
    name: 'POST /api/folders/rename {"path":1}',
    path: () => '/api/folders/rename',
    body: { path: 1, name: 'x' },
    code: 'invalid_request',
    field: 'path',
    expected: 'string',
    received: 'number',
  },
  {
    name: 'POST /api/folders/move {"to":null}',
    path: () => '/api/folders/move',
    body: () => ({ path: doc.folder, to: null }),
    code: 'invalid_request',
    field: 'to',
    expected: 'string',
    received: 'null',
  },
  {
    name: 'POST /api/folders/copy {"name":5}',
    path: () => '/api/folders/copy',
    body: () => ({ path: doc.folder, to: '', name: 5 }),
    code: 'invalid_request',
    field: 'name',
    expected: 'string',
    received: 'number',
  },
  {
    name: 'POST /api/folders/delete {"path":true}',
    path: () => '/api/folders/delete',
    body: { path: true },
    code: 'invalid_request',
    field: 'path',
    expected: 'string',
    received: 'boolean',
  },
  {
    name: 'POST /api/trash/:id/restore with a number body',
    path: () => `/api/trash/${doc.id}/restore`,
    body: '42',
    code: 'invalid_request',
    field: 'body',
    expected: 'object',
    received: 'number',
  },
];

describe('a field of the wrong type → 400 rule type, naming the field and both types', () => {
  for (const wrong of WRONG_TYPES)
    it(`${wrong.name} → 400 ${wrong.code}, rule type, field ${wrong.field} (${wrong.expected}, not ${wrong.received})`, async () => {
      const body: unknown = typeof wrong.body === 'function' ? (wrong.body as () => unknown)() : wrong.body;
      const { status, error } = await send(wrong.path(), body, wrong.cookie?.() ?? cookies.admin);
      expect(status).toBe(400);
      expect(error).toMatchObject({
        code: wrong.code,
        rule: 'type',
        field: wrong.field,
        expected: wrong.expected,
        received: wrong.received,
      });
      expect(error.message).not.toMatch(/required/i);
      expect(error.message).toContain(wrong.field);
    });

  it('POST /api/documents/:id/rename {"name":123} with Accept-Language: de → "Name: Text erwartet, nicht eine Zahl."; the document keeps its name', async () => {
    const response = await apiRequest(`/api/documents/${doc.id}/rename`, {
      cookie: cookies.admin,
      body: { name: 123 },
      headers: { 'accept-language': 'de' },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: ApiError }).error.message).toBe(
      'Name: Text erwartet, nicht eine Zahl.',
    );
    expect((await db.document.findUniqueOrThrow({ where: { id: doc.id } })).name).toBe(doc.name);
  });

  it('POST /api/admin/users {"name":123} → 400 and no user is created', async () => {
    await send('/api/admin/users', { email: 'never-made@test.example', role: 'viewer', name: 123 });
    expect(await db.user.count({ where: { email: 'never-made@test.example' } })).toBe(0);
  });
});

describe('a field that is missing is still required', () => {
  const MISSING = [
    {
      name: 'POST /api/admin/users without email',
      path: () => '/api/admin/users',
      body: { role: 'editor' },
      code: 'invalid_user',
      field: 'email',
    },
    {
      name: 'POST /api/documents/:id/rename {}',
      path: () => `/api/documents/${doc.id}/rename`,
      body: {},
      code: 'invalid_request',
      field: 'name',
    },
    {
      name: 'POST /api/folders {"parent":""}',
      path: () => '/api/folders',
      body: { parent: '' },
      code: 'invalid_request',
      field: 'name',
    },
    {
      name: 'POST /api/folders/delete {}',
      path: () => '/api/folders/delete',
      body: {},
      code: 'invalid_request',
      field: 'path',
    },
  ];
  for (const missing of MISSING)
    it(`${missing.name} → 400 ${missing.code}, rule required, field ${missing.field}`, async () => {
      const { status, error } = await send(missing.path(), missing.body);
      expect(status).toBe(400);
      expect(error).toMatchObject({ code: missing.code, rule: 'required', field: missing.field });
      expect(error).not.toHaveProperty('expected');
    });

  it('POST /api/account/password without currentPassword → 400 invalid_password, rule required; "fehlt" in German', async () => {
    const response = await apiRequest('/api/account/password', {
      cookie: cookies.target,
      body: { newPassword: 'a new long password' },
      headers: { 'accept-language': 'de' },
    });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: ApiError };
    expect(error).toMatchObject({ code: 'invalid_password', rule: 'required', field: 'currentPassword' });
    expect(error.message).toBe('Diese Angabe fehlt: Aktuelles Passwort.');
  });

  it('GET /api/admin/documents?folder=x (no name) → 400 invalid_request, rule required, field name', async () => {
    const response = await apiRequest('/api/admin/documents?folder=x', { cookie: cookies.admin, method: 'GET' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: ApiError }).error).toMatchObject({ rule: 'required', field: 'name' });
  });
});
