import { describe, expect, it } from 'vitest';
import { makeRuntime, PUBLIC_URL } from '../../support/memory-ports';

const DOC_ID = 'f1f1f1f1-f1f1-4f1f-8f1f-f1f1f1f1f1f1';
const OTHER_ID = 'f2f2f2f2-f2f2-4f2f-8f2f-f2f2f2f2f2f2';

const arrange = async () => {
  const rt = makeRuntime({
    docs: [
      { id: DOC_ID, name: 'report.docx', folder: 'team', content: 'mine' },
      { id: OTHER_ID, name: 'taken.docx', folder: 'team', content: 'theirs' },
    ],
  });
  const { token } = await rt.token({ documentId: DOC_ID });
  const rename = (requestedName: string | null, headers: Record<string, string> = {}) =>
    rt.send({
      method: 'POST',
      fileId: DOC_ID,
      token,
      headers: {
        'X-WOPI-Override': 'RENAME_FILE',
        ...(requestedName === null ? {} : { 'X-WOPI-RequestedName': requestedName }),
        ...headers,
      },
    });

  return { rt, token, rename };
};

describe('POST /wopi/files/:id RENAME_FILE (RenameFile)', () => {
  it('→ 200 {"Name", "Url"}: a non-empty Url (the WOPI source, no token) makes Collabora post File_Rename (CollaboraOnline/online browser/src/app/Socket.ts _renameOrSaveAsCallback)', async () => {
    const { rename } = await arrange();
    const body = (await (await rename('Plan B')).json()) as { Url: string };
    expect(body.Url).toBe(`${PUBLIC_URL}/wopi/files/${DOC_ID}`);
    expect(body.Url).not.toContain('access_token');
  });

  it('→ 200 {"Name"} without the extension; the id is unchanged and the extension kept', async () => {
    const { rt, token, rename } = await arrange();
    const response = await rename('Final report');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ Name: 'Final report', Url: `${PUBLIC_URL}/wopi/files/${DOC_ID}` });
    const info = await (await rt.send({ method: 'GET', fileId: DOC_ID, token })).json();
    expect(info.BaseFileName).toBe('Final report.docx');
    expect(rt.documents.row(DOC_ID)!.name).toBe('Final report.docx');
    expect(rt.documents.bytes(DOC_ID).toString()).toBe('mine');
  });

  it('with the current lock in X-WOPI-Lock → 200', async () => {
    const { rt, rename } = await arrange();
    await rt.locks.lock({ documentId: DOC_ID, lockId: 'L1', now: rt.clock.now() });
    expect((await rename('renamed', { 'X-WOPI-Lock': 'L1' })).status).toBe(200);
  });

  it.each([
    ['another lock', 'wrong'],
    ['no X-WOPI-Lock', null],
  ])('locked, with %s → 409 + X-WOPI-Lock, name unchanged', async (_label, lockId) => {
    const { rt, rename } = await arrange();
    await rt.locks.lock({ documentId: DOC_ID, lockId: 'L1', now: rt.clock.now() });
    const response = await rename('renamed', lockId === null ? {} : { 'X-WOPI-Lock': lockId });
    expect(response.status).toBe(409);
    expect(response.headers.get('X-WOPI-Lock')).toBe('L1');
    expect(rt.documents.row(DOC_ID)!.name).toBe('report.docx');
  });

  it.each([['a:b'], ['a/b'], ['a\\b'], ['what?'], ['a*b'], ['a|b'], ['<tag>'], ['trailing.'], ['..']])(
    'an invalid name %j → 400 + X-WOPI-InvalidFileNameError, name unchanged',
    async (name) => {
      const { rt, rename } = await arrange();
      const response = await rename(name);
      expect(response.status).toBe(400);
      expect(response.headers.get('X-WOPI-InvalidFileNameError')).toBeTruthy();
      expect(await response.text()).toBe('');
      expect(rt.documents.row(DOC_ID)!.name).toBe('report.docx');
    },
  );

  it('POST RENAME_FILE with 229 × "a" (+ ".docx" = 234 bytes) → 400 + X-WOPI-InvalidFileNameError', async () => {
    const { rename } = await arrange();
    const response = await rename('x'.repeat(229));
    expect(response.status).toBe(400);
    expect(response.headers.get('X-WOPI-InvalidFileNameError')).toMatch(/too long: 234 bytes/);
  });

  it('POST RENAME_FILE with 228 × "a" (+ ".docx" = 233 bytes, the most there is) → 200', async () => {
    const { rename } = await arrange();
    const response = await rename('x'.repeat(228));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ Name: 'x'.repeat(228) });
  });

  it('POST RENAME_FILE with 255 × "a" (what FileNameMaxLength used to advertise) → 400, never 5xx', async () => {
    const { rename } = await arrange();
    expect((await rename('a'.repeat(255))).status).toBe(400);
  });

  it('without X-WOPI-RequestedName → 400', async () => {
    const { rename } = await arrange();
    expect((await rename(null)).status).toBe(400);
  });

  it('a name taken by another document → 200 with a " (1)" suffix; the other document is untouched', async () => {
    const { rt, rename } = await arrange();
    const response = await rename('taken');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ Name: 'taken (1)' });
    expect(rt.documents.row(OTHER_ID)!.name).toBe('taken.docx');
  });

  it('the current name → 200 with the same name (no suffix)', async () => {
    const { rename } = await arrange();
    const response = await rename('report');
    expect(await response.json()).toMatchObject({ Name: 'report' });
  });

  it('a UTF-7 name "R+AOk-sum+AOk-" → Résumé', async () => {
    const { rt, rename } = await arrange();
    const response = await rename('R+AOk-sum+AOk-');
    expect(await response.json()).toMatchObject({ Name: 'Résumé' });
    expect(rt.documents.row(DOC_ID)!.name).toBe('Résumé.docx');
  });

  // Bug (lib/wopi/utf7.ts SHIFTED regex): "+T+Fgbw-" is 信息 in UTF-7, but the run is cut at its
  // inner "+" and the name decodes to " T Fgbw-", which is refused with 400.
  it('a UTF-7 name whose run contains "+" ("+T+Fgbw-" = 信息) → 信息', async () => {
    const { rename } = await arrange();
    const response = await rename('+T+Fgbw-');
    expect(await response.json()).toMatchObject({ Name: '信息' });
  });

  it('is audited as wopi.rename with from and to', async () => {
    const { rt, rename } = await arrange();
    await rename('Final');
    expect(rt.audit).toContainEqual(
      expect.objectContaining({
        action: 'wopi.rename',
        outcome: 'success',
        details: { from: 'report.docx', to: 'Final.docx' },
      }),
    );
  });
});
