import { describe, expect, it } from 'vitest';
import { conflictError } from '@/lib/errors';
import type { DocumentStore } from '@/lib/wopi/ports';
import { decodeUtf7Name } from '@/lib/wopi/utf7';
import { makeRuntime } from '../../support/memory-ports';

// When the store runs out of tries for a free name (others kept taking them), the answer is a
// 409 conflict, never a 5xx; suggested names are judged after cleaning (invisible characters out).

const SOURCE_ID = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';
const HOUR = 60 * 60 * 1000;

const arrange = async () => {
  const rt = makeRuntime({ docs: [{ id: SOURCE_ID, name: 'report.docx', folder: 'team', content: 'source bytes' }] });
  const { token } = await rt.token({ documentId: SOURCE_ID, ttlMs: HOUR });
  const post = (headers: Record<string, string>, body?: string) =>
    rt.send({ method: 'POST', fileId: SOURCE_ID, token, headers, body });

  return { rt, post };
};

const noFreeName = () =>
  conflictError('name_conflict', 'No free name like "same0.docx" after 24 tries; try again.', {
    name: 'same0.docx',
    folder: 'team',
  });

describe('POST /wopi/files/:id RENAME_FILE when no free name is left', () => {
  it('the store gives up on a free name → 409, never 5xx; nothing renamed', async () => {
    const { rt, post } = await arrange();
    rt.ports.documents.rename = () => Promise.reject(noFreeName());
    const response = await post({ 'X-WOPI-Override': 'RENAME_FILE', 'X-WOPI-RequestedName': 'same0' });
    expect(response.status).toBe(409);
    expect(await response.text()).toBe('');
    expect(rt.documents.row(SOURCE_ID)?.name).toBe('report.docx');
  });
});

describe('POST /wopi/files/:id PUT_RELATIVE in suggested mode', () => {
  it('asks the store to take the next free name when the suggestion is taken by commit time (isRenamedWhenTaken)', async () => {
    const { rt, post } = await arrange();
    const calls: Parameters<DocumentStore['createRelative']>[0][] = [];
    const createRelative = rt.ports.documents.createRelative.bind(rt.ports.documents);
    rt.ports.documents.createRelative = (input) => {
      calls.push(input);

      return createRelative(input);
    };
    expect((await post({ 'X-WOPI-Override': 'PUT_RELATIVE', 'X-WOPI-SuggestedTarget': 'dup.docx' }, 'x')).status).toBe(
      200,
    );
    expect(calls.map(({ name, isRenamedWhenTaken }) => ({ name, isRenamedWhenTaken }))).toEqual([
      { name: 'dup.docx', isRenamedWhenTaken: true },
    ]);
  });

  it('X-WOPI-RelativeTarget is never renamed by the store (isRenamedWhenTaken false)', async () => {
    const { rt, post } = await arrange();
    const seen: (boolean | undefined)[] = [];
    const createRelative = rt.ports.documents.createRelative.bind(rt.ports.documents);
    rt.ports.documents.createRelative = (input) => {
      seen.push(input.isRenamedWhenTaken);

      return createRelative(input);
    };
    expect((await post({ 'X-WOPI-Override': 'PUT_RELATIVE', 'X-WOPI-RelativeTarget': 'new.docx' }, 'x')).status).toBe(
      200,
    );
    expect(seen).toEqual([false]);
  });

  it('the store finds every free name taken → 409 + X-WOPI-ValidRelativeTarget, never 5xx', async () => {
    const { rt, post } = await arrange();
    rt.ports.documents.createRelative = () => Promise.resolve({ ok: false, reason: 'exists' });
    const response = await post({ 'X-WOPI-Override': 'PUT_RELATIVE', 'X-WOPI-SuggestedTarget': 'dup.docx' }, 'x');
    expect(response.status).toBe(409);
    expect(decodeUtf7Name(response.headers.get('X-WOPI-ValidRelativeTarget') ?? '', 'unknown')).toBe('dup.docx');
  });

  it('POST PUT_RELATIVE × 6 at once with X-WOPI-SuggestedTarget: dup.docx → 6 × 200 with distinct names', async () => {
    const { rt, post } = await arrange();
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        post({ 'X-WOPI-Override': 'PUT_RELATIVE', 'X-WOPI-SuggestedTarget': 'dup.docx' }, `copy ${i}`),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const names = await Promise.all(responses.map(async (r) => ((await r.json()) as { Name: string }).Name));
    expect(new Set(names).size).toBe(6);
    expect(rt.documents.visible()).toHaveLength(7);
  });

  describe('a suggestion that is an extension only once cleaned', () => {
    const saveAs = async (suggested: string) => {
      const { rt, post } = await arrange();
      const response = await post({ 'X-WOPI-Override': 'PUT_RELATIVE', 'X-WOPI-SuggestedTarget': suggested }, 'x');
      expect(response.status).toBe(200);
      const { Name } = (await response.json()) as { Name: string };

      return { name: Name, doc: rt.documents.visible().find((d) => d.name === Name) };
    };

    it('"+/v8-.docx" (a BOM, then .docx) → as ".docx": report (1).docx, extension docx', async () => {
      const { name, doc } = await saveAs('+/v8-.docx');
      expect(name).toBe('report (1).docx');
      expect(doc?.extension).toBe('docx');
    });

    it('"+IAs-.pdf" (a zero-width space, then .pdf) → as ".pdf": report.pdf', async () => {
      const { name, doc } = await saveAs('+IAs-.pdf');
      expect(name).toBe('report.pdf');
      expect(doc?.extension).toBe('pdf');
    });

    it('"+IAs-." (dots only once cleaned) → the source\'s name, made free: report (1).docx', async () => {
      const { name, doc } = await saveAs('+IAs-.');
      expect(name).toBe('report (1).docx');
      expect(doc?.extension).toBe('docx');
    });

    it('"+/v8-..." (dots only once cleaned) → report (1).docx', async () => {
      expect((await saveAs('+/v8-...')).name).toBe('report (1).docx');
    });
  });
});
