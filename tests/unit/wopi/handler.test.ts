import { afterEach, describe, expect, it } from 'vitest';
import { setRuntimeEnv } from '@/lib/env';
import { makeRuntime, makeUser, TEST_TOKEN_SECRET, type TestRuntime } from '../../support/memory-ports';

const DOC_ID = '33333333-3333-4333-8333-333333333333';
const OTHER_ID = '44444444-4444-4444-8444-444444444444';
const UNKNOWN_ID = '55555555-5555-4555-8555-555555555555';

type Wire = {
  label: string;
  method: 'GET' | 'POST';
  path: '' | '/contents';
  headers?: Record<string, string>;
  body?: string;
};

// One request per WOPI entry point: authentication runs before any of them.
const WIRES: Wire[] = [
  { label: 'GET /wopi/files/:id (CheckFileInfo)', method: 'GET', path: '' },
  { label: 'GET /wopi/files/:id/contents (GetFile)', method: 'GET', path: '/contents' },
  {
    label: 'POST /wopi/files/:id LOCK',
    method: 'POST',
    path: '',
    headers: { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'L1' },
  },
  {
    label: 'POST /wopi/files/:id/contents PutFile',
    method: 'POST',
    path: '/contents',
    headers: { 'X-WOPI-Override': 'PUT', 'X-WOPI-Lock': 'L1' },
    body: 'new',
  },
  { label: 'POST /wopi/files/:id DELETE', method: 'POST', path: '', headers: { 'X-WOPI-Override': 'DELETE' } },
];

const arrange = async () => {
  const rt = makeRuntime({
    docs: [
      { id: DOC_ID, name: 'report.docx', content: 'hello' },
      { id: OTHER_ID, name: 'other.docx', content: 'other' },
    ],
  });
  const { token } = await rt.token({ documentId: DOC_ID });

  return { rt, token };
};

/** Every error response: empty body, and the token nowhere in it. */
const expectBareError = async (response: Response, status: number, token: string | null) => {
  expect(response.status).toBe(status);
  const body = await response.text();
  expect(body).toBe('');
  if (token) {
    for (const [name, value] of response.headers) {
      expect(value, name).not.toContain(token);
      expect(value, name).not.toContain(token.split('.')[2]);
    }
  }
};

const send = (rt: TestRuntime, wire: Wire, token: string | null, fileId = DOC_ID) =>
  rt.send({ method: wire.method, path: wire.path, fileId, token, headers: wire.headers, body: wire.body });

/** Flips one character in the middle of the signature (the last one may only carry padding bits). */
const tamperSignature = (token: string) => {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const i = Math.floor(signature.length / 2);
  const flipped = signature[i] === 'A' ? 'B' : 'A';

  return `${header}.${payload}.${signature.slice(0, i)}${flipped}${signature.slice(i + 1)}`;
};

/** Points the payload at another document, keeping the original signature. */
const tamperPayload = (token: string, documentId: string) => {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  const forged = Buffer.from(JSON.stringify({ ...claims, doc: documentId })).toString('base64url');

  return `${header}.${forged}.${signature}`;
};

describe('access tokens through handleWopi', () => {
  afterEach(() => {
    setRuntimeEnv({ WOPI_TOKEN_SECRET: TEST_TOKEN_SECRET });
  });

  describe.each(WIRES)('$label', (wire) => {
    it('without access_token → 401, empty body, nothing changed', async () => {
      const { rt } = await arrange();
      const before = rt.snapshot();
      await expectBareError(await send(rt, wire, null), 401, null);
      expect(rt.snapshot()).toEqual(before);
    });

    it('with a tampered signature → 401, empty body, token not echoed', async () => {
      const { rt, token } = await arrange();
      const before = rt.snapshot();
      const tampered = tamperSignature(token);
      await expectBareError(await send(rt, wire, tampered), 401, tampered);
      expect(rt.snapshot()).toEqual(before);
    });

    it('with a token whose payload was edited to another document → 401', async () => {
      const { rt, token } = await arrange();
      const forged = tamperPayload(token, OTHER_ID);
      await expectBareError(await send(rt, wire, forged, OTHER_ID), 401, forged);
    });

    it('with an expired token (minted for 60 s, clock advanced 60 s) → 401', async () => {
      const { rt } = await arrange();
      const { token } = await rt.token({ documentId: DOC_ID, ttlMs: 60_000 });
      rt.clock.advance(60_000);
      const before = rt.snapshot();
      await expectBareError(await send(rt, wire, token), 401, token);
      expect(rt.snapshot()).toEqual(before);
    });

    it("with another document's token → 401", async () => {
      const { rt } = await arrange();
      const { token } = await rt.token({ documentId: OTHER_ID });
      const before = rt.snapshot();
      await expectBareError(await send(rt, wire, token), 401, token);
      expect(rt.snapshot()).toEqual(before);
    });

    it('for an unknown document, with a valid token for that id → 404', async () => {
      const { rt } = await arrange();
      const { token } = await rt.token({ documentId: UNKNOWN_ID });
      await expectBareError(await send(rt, wire, token, UNKNOWN_ID), 404, token);
    });

    it('with a token signed by another secret → 401', async () => {
      const { rt } = await arrange();
      setRuntimeEnv({ WOPI_TOKEN_SECRET: 'another-secret-entirely-0123456789abcdef' });
      const { token } = await rt.token({ documentId: DOC_ID });
      setRuntimeEnv({ WOPI_TOKEN_SECRET: TEST_TOKEN_SECRET });
      await expectBareError(await send(rt, wire, token), 401, token);
    });
  });

  it('GET /wopi/files/:id with a token 1 ms before its expiry → 200', async () => {
    const { rt } = await arrange();
    const { token, expiresAt } = await rt.token({ documentId: DOC_ID, ttlMs: 60_000 });
    rt.clock.set(expiresAt - 1);
    expect((await rt.send({ method: 'GET', fileId: DOC_ID, token })).status).toBe(200);
    rt.clock.set(expiresAt);
    expect((await rt.send({ method: 'GET', fileId: DOC_ID, token })).status).toBe(401);
  });

  it.each([['garbage'], ['a.b.c'], ['null'], ['x'.repeat(5000)], ['Bearer abc']])(
    'GET /wopi/files/:id?access_token=%j → 401',
    async (garbage) => {
      const { rt } = await arrange();
      await expectBareError(await rt.send({ method: 'GET', fileId: DOC_ID, token: garbage.slice(0, 5000) }), 401, null);
    },
  );

  it('GET /wopi/files/:id with the token in Authorization: Bearer (the validator sends both) → 200', async () => {
    const { rt, token } = await arrange();
    const response = await rt.send({
      method: 'GET',
      fileId: DOC_ID,
      token: null,
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
  });

  it('GET /wopi/files/:id for a user who no longer exists → 401', async () => {
    const { rt, token } = await arrange();
    rt.users.remove(rt.user.id);
    await expectBareError(await rt.send({ method: 'GET', fileId: DOC_ID, token }), 401, token);
  });

  it('GET /wopi/files/:id for a token minted for another user → that user is the one in CheckFileInfo', async () => {
    const alice = makeUser({ name: 'Alice' });
    const bob = makeUser({ name: 'Bob', email: 'bob@test.example' });
    const rt = makeRuntime({ docs: [{ id: DOC_ID, name: 'report.docx', content: 'hello' }], users: [alice, bob] });
    const { token } = await rt.token({ documentId: DOC_ID, userId: bob.id });
    const info = await (await rt.send({ method: 'GET', fileId: DOC_ID, token })).json();
    expect(info.UserId).toBe(bob.id);
    expect(info.UserFriendlyName).toBe('Bob');
  });

  it('GET /wopi/files/:id for a deleted document with its old token → 404', async () => {
    const { rt, token } = await arrange();
    await rt.documents.delete({ doc: (await rt.documents.find(DOC_ID))!, userId: rt.user.id, now: rt.clock.now() });
    await expectBareError(await rt.send({ method: 'GET', fileId: DOC_ID, token }), 404, token);
  });

  it('successful responses never carry the access token either', async () => {
    const { rt, token } = await arrange();
    for (const wire of WIRES) {
      const response = await send(rt, wire, token);
      expect(response.status, wire.label).toBeLessThan(500);
      const text = await response.text();
      expect(text, wire.label).not.toContain(token);
      for (const [, value] of response.headers) expect(value, wire.label).not.toContain(token);
    }
  });
});
