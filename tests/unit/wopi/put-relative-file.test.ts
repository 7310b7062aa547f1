import { describe, expect, it } from 'vitest';
import { verifyAccessToken } from '@/lib/tokens/tokens';
import { nameProblem } from '@/lib/names';
import { decodeUtf7Name } from '@/lib/wopi/utf7';
import { MAX_UPLOAD_BYTES, makeRuntime, PUBLIC_URL } from '../../support/memory-ports';

const SOURCE_ID = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';
const OTHER_ID = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd';
const CJK_ID = 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee';
const HOUR = 60 * 60 * 1000;

const arrange = async () => {
  const rt = makeRuntime({
    docs: [
      { id: SOURCE_ID, name: 'report.docx', folder: 'team', content: 'source bytes' },
      { id: OTHER_ID, name: 'other.docx', folder: 'team', content: 'other bytes' },
      { id: CJK_ID, name: '文档.docx', folder: 'team', content: 'cjk bytes' },
    ],
  });
  const { token, expiresAt } = await rt.token({ documentId: SOURCE_ID, ttlMs: HOUR });
  const putRelative = (headers: Record<string, string>, body: string | ReadableStream<Uint8Array> = 'new bytes') =>
    rt.send({
      method: 'POST',
      fileId: SOURCE_ID,
      token,
      headers: { 'X-WOPI-Override': 'PUT_RELATIVE', ...headers },
      body,
    });

  return { rt, token, expiresAt, putRelative };
};

type PutRelativeBody = { Name: string; Url: string; HostViewUrl: string; HostEditUrl: string };

/** The new document named in a 200 response, with its bytes. */
const created = async (rt: Awaited<ReturnType<typeof arrange>>['rt'], response: Response) => {
  expect(response.status).toBe(200);
  const body = (await response.json()) as PutRelativeBody;
  const doc = rt.documents.visible().find((d) => d.name === body.Name && d.folder === 'team');
  expect(doc, `a document named ${body.Name}`).toBeDefined();

  return { body, doc: doc!, bytes: rt.documents.bytes(doc!.id).toString() };
};

describe('POST /wopi/files/:id PUT_RELATIVE (PutRelativeFile)', () => {
  it('with both X-WOPI-SuggestedTarget and X-WOPI-RelativeTarget → 501, nothing created', async () => {
    const { rt, putRelative } = await arrange();
    const response = await putRelative({ 'X-WOPI-SuggestedTarget': '.pdf', 'X-WOPI-RelativeTarget': 'x.pdf' });
    expect(response.status).toBe(501);
    expect(rt.documents.visible()).toHaveLength(3);
  });

  it('with neither target header → 400, nothing created', async () => {
    const { rt, putRelative } = await arrange();
    expect((await putRelative({})).status).toBe(400);
    expect(rt.documents.visible()).toHaveLength(3);
  });

  describe('X-WOPI-SuggestedTarget', () => {
    it('".pdf" → keeps the base name with the new extension (report.pdf), bytes from the body', async () => {
      const { rt, putRelative } = await arrange();
      const { body, doc, bytes } = await created(rt, await putRelative({ 'X-WOPI-SuggestedTarget': '.pdf' }));
      expect(body.Name).toBe('report.pdf');
      expect(doc.extension).toBe('pdf');
      expect(doc.id).not.toBe(SOURCE_ID);
      expect(bytes).toBe('new bytes');
      expect(rt.documents.bytes(SOURCE_ID).toString()).toBe('source bytes');
    });

    it('".docx" (the source\'s own name) → the host picks a free name, the source is untouched', async () => {
      const { rt, putRelative } = await arrange();
      const { body } = await created(rt, await putRelative({ 'X-WOPI-SuggestedTarget': '.docx' }));
      expect(body.Name).toBe('report (1).docx');
      expect(rt.documents.bytes(SOURCE_ID).toString()).toBe('source bytes');
    });

    it('a full name that exists ("other.docx") → the host picks another name; the existing one is untouched', async () => {
      const { rt, putRelative } = await arrange();
      const { body, doc } = await created(rt, await putRelative({ 'X-WOPI-SuggestedTarget': 'other.docx' }));
      expect(body.Name).not.toBe('other.docx');
      expect(body.Name).toMatch(/^other.*\.docx$/);
      expect(doc.id).not.toBe(OTHER_ID);
      expect(rt.documents.bytes(OTHER_ID).toString()).toBe('other bytes');
    });

    it('a free full name → used as is', async () => {
      const { rt, putRelative } = await arrange();
      const { body } = await created(rt, await putRelative({ 'X-WOPI-SuggestedTarget': 'Copy of report.odt' }));
      expect(body.Name).toBe('Copy of report.odt');
    });

    it('an illegal name ("a:b?.docx") → made legal, not refused', async () => {
      const { rt, putRelative } = await arrange();
      const { body } = await created(rt, await putRelative({ 'X-WOPI-SuggestedTarget': 'a:b?.docx' }));
      expect(body.Name).toBe('a_b_.docx');
    });

    // Bug (lib/wopi/names.ts legalizeName line 9: trim before stripping trailing dots): the
    // suggestion "Draft ." becomes "Draft ", an illegal name, and the document is created with it.
    it('"Draft ." → a legal name (no trailing dot or space)', async () => {
      const { rt, putRelative } = await arrange();
      const { body } = await created(rt, await putRelative({ 'X-WOPI-SuggestedTarget': 'Draft .' }));
      expect(nameProblem(body.Name)).toBeNull();
    });

    it('UTF-7 "R+AOk-sum+AOk-.docx" → Résumé.docx', async () => {
      const { rt, putRelative } = await arrange();
      const { body } = await created(rt, await putRelative({ 'X-WOPI-SuggestedTarget': 'R+AOk-sum+AOk-.docx' }));
      expect(body.Name).toBe('Résumé.docx');
    });

    it('a name sent URL-encoded with "+" for spaces ("Copy+of+report.docx") → "Copy of report.docx"', async () => {
      const { rt, putRelative } = await arrange();
      const { body } = await created(rt, await putRelative({ 'X-WOPI-SuggestedTarget': 'Copy+of+report.docx' }));
      expect(body.Name).toBe('Copy of report.docx');
    });
  });

  describe('X-WOPI-RelativeTarget', () => {
    it('a free name → 200 with exactly that name', async () => {
      const { rt, putRelative } = await arrange();
      const { body, bytes } = await created(rt, await putRelative({ 'X-WOPI-RelativeTarget': 'exact.docx' }));
      expect(body.Name).toBe('exact.docx');
      expect(bytes).toBe('new bytes');
    });

    it('UTF-7 "madeup+AF8-name.docx" → madeup_name.docx', async () => {
      const { rt, putRelative } = await arrange();
      const { body } = await created(rt, await putRelative({ 'X-WOPI-RelativeTarget': 'madeup+AF8-name.docx' }));
      expect(body.Name).toBe('madeup_name.docx');
    });

    // Bug (lib/wopi/utf7.ts SHIFTED regex): a UTF-7 run containing the base64 digit "+" is cut
    // at that "+", so "信息.docx" (UTF-7 "+T+Fgbw-.docx") arrives as " T Fgbw-.docx".
    it('UTF-7 "+T+Fgbw-.docx" (信息.docx, a run containing "+") → 信息.docx', async () => {
      const { rt, putRelative } = await arrange();
      const { body } = await created(rt, await putRelative({ 'X-WOPI-RelativeTarget': '+T+Fgbw-.docx' }));
      expect(body.Name).toBe('信息.docx');
    });

    it('an existing name without X-WOPI-OverwriteRelativeTarget → 409 + X-WOPI-ValidRelativeTarget, nothing written', async () => {
      const { rt, putRelative } = await arrange();
      const before = rt.snapshot();
      const response = await putRelative({ 'X-WOPI-RelativeTarget': 'other.docx' });
      expect(response.status).toBe(409);
      const valid = response.headers.get('X-WOPI-ValidRelativeTarget');
      expect(valid).toBeTruthy();
      expect(decodeUtf7Name(valid!, 'unknown')).toBe('other (1).docx');
      expect(rt.snapshot()).toEqual(before);
    });

    it('an existing non-ASCII name → X-WOPI-ValidRelativeTarget is UTF-7 (ASCII) and decodes to a free name', async () => {
      const { rt, putRelative } = await arrange();
      const response = await putRelative({ 'X-WOPI-RelativeTarget': '+ZYdoYw-.docx' });
      expect(response.status).toBe(409);
      const valid = response.headers.get('X-WOPI-ValidRelativeTarget')!;
      expect(valid).toMatch(/^[\x20-\x7e]+$/);
      expect(decodeUtf7Name(valid, 'unknown')).toBe('文档 (1).docx');
      expect(rt.documents.bytes(CJK_ID).toString()).toBe('cjk bytes');
    });

    it('with X-WOPI-OverwriteRelativeTarget: true on an unlocked target → 200, same document, new bytes', async () => {
      const { rt, putRelative } = await arrange();
      const response = await putRelative({
        'X-WOPI-RelativeTarget': 'other.docx',
        'X-WOPI-OverwriteRelativeTarget': 'true',
      });
      const { body, doc, bytes } = await created(rt, response);
      expect(body.Name).toBe('other.docx');
      expect(doc.id).toBe(OTHER_ID);
      expect(bytes).toBe('new bytes');
      expect(doc.version).toBe(2);
    });

    it('with X-WOPI-OverwriteRelativeTarget: true on a locked target → 409 + X-WOPI-Lock, nothing written', async () => {
      const { rt, putRelative } = await arrange();
      await rt.locks.lock({ documentId: OTHER_ID, lockId: 'their-lock', now: rt.clock.now() });
      const before = rt.snapshot();
      const response = await putRelative({
        'X-WOPI-RelativeTarget': 'other.docx',
        'X-WOPI-OverwriteRelativeTarget': 'true',
      });
      expect(response.status).toBe(409);
      expect(response.headers.get('X-WOPI-Lock')).toBe('their-lock');
      expect(rt.snapshot()).toEqual(before);
    });

    it('a folder part (Collabora sends "sub/name.docx") is dropped: saved beside the source as name.docx', async () => {
      const { rt, putRelative } = await arrange();
      const response = await putRelative({ 'X-WOPI-RelativeTarget': 'a/b.docx' });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { Name: string }).Name).toBe('b.docx');
      expect(rt.documents.visible()).toHaveLength(4);
    });

    it.each([['a:b.docx'], ['a|b.docx'], ['trailing.'], ['+ACA-leading.docx']])(
      'an illegal name %j → 400 + X-WOPI-ValidRelativeTarget with a legal one, nothing created',
      async (name) => {
        const { rt, putRelative } = await arrange();
        const response = await putRelative({ 'X-WOPI-RelativeTarget': name });
        expect(response.status).toBe(400);
        expect(response.headers.get('X-WOPI-ValidRelativeTarget')).toBeTruthy();
        expect(rt.documents.visible()).toHaveLength(3);
      },
    );
  });

  describe('the returned Url', () => {
    it("is the new document's WOPI URL with a token for it that expires no later than the caller's", async () => {
      const { rt, expiresAt, putRelative } = await arrange();
      const { body, doc } = await created(rt, await putRelative({ 'X-WOPI-SuggestedTarget': '.pdf' }));
      const url = new URL(body.Url);
      expect(`${url.origin}${url.pathname}`).toBe(`${PUBLIC_URL}/wopi/files/${doc.id}`);
      const claims = await verifyAccessToken(url.searchParams.get('access_token'), rt.clock.now().getTime());
      expect(claims).not.toBeNull();
      expect(claims!.documentId).toBe(doc.id);
      expect(claims!.userId).toBe(rt.user.id);
      expect(claims!.expiresAt).toBeLessThanOrEqual(expiresAt);
      expect(body.HostEditUrl).toBe(`${PUBLIC_URL}/documents/${doc.id}/edit`);
      expect(body.HostViewUrl).toBe(`${PUBLIC_URL}/documents/${doc.id}/view`);
    });

    it('its token works for the new document (CheckFileInfo 200) and not for the source (401)', async () => {
      const { rt, putRelative } = await arrange();
      const { body, doc } = await created(rt, await putRelative({ 'X-WOPI-SuggestedTarget': '.pdf' }));
      const newToken = new URL(body.Url).searchParams.get('access_token');
      expect((await rt.send({ method: 'GET', fileId: doc.id, token: newToken })).status).toBe(200);
      expect((await rt.send({ method: 'GET', fileId: SOURCE_ID, token: newToken })).status).toBe(401);
    });

    it("its token is no longer valid once the caller's would have expired", async () => {
      const { rt, expiresAt, putRelative } = await arrange();
      const { body, doc } = await created(rt, await putRelative({ 'X-WOPI-SuggestedTarget': '.pdf' }));
      const newToken = new URL(body.Url).searchParams.get('access_token');
      rt.clock.set(expiresAt);
      expect((await rt.send({ method: 'GET', fileId: doc.id, token: newToken })).status).toBe(401);
    });
  });

  describe('size limit', () => {
    it('X-WOPI-Size over maxUploadBytes → 413, nothing created', async () => {
      const { rt, putRelative } = await arrange();
      const response = await putRelative({
        'X-WOPI-SuggestedTarget': '.pdf',
        'X-WOPI-Size': String(MAX_UPLOAD_BYTES + 1),
      });
      expect(response.status).toBe(413);
      expect(rt.documents.visible()).toHaveLength(3);
    });

    it('a streamed body over maxUploadBytes → 413, nothing created', async () => {
      const { rt, putRelative } = await arrange();
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull: (controller) => {
          if (sent > MAX_UPLOAD_BYTES) return controller.close();
          sent += 64 * 1024;
          controller.enqueue(new Uint8Array(64 * 1024));
        },
      });
      expect((await putRelative({ 'X-WOPI-SuggestedTarget': '.pdf' }, body)).status).toBe(413);
      expect(rt.documents.visible()).toHaveLength(3);
    });
  });

  it('is audited as wopi.put_relative on the new document', async () => {
    const { rt, putRelative } = await arrange();
    const { doc } = await created(rt, await putRelative({ 'X-WOPI-SuggestedTarget': '.pdf' }));
    expect(rt.audit).toContainEqual(
      expect.objectContaining({ action: 'wopi.put_relative', outcome: 'success', documentId: doc.id }),
    );
  });
});
