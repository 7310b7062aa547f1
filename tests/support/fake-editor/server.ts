/**
 * A test-only WOPI client ("fake editor"). It serves a discovery XML with a proof key generated
 * at start, and an editor page: when the host page's form is POSTed into its iframe, it makes
 * real signed CheckFileInfo and GetFile calls to the host and shows what it got; "Save" makes
 * signed LOCK, PutFile and UNLOCK calls. It talks to the host like Collabora or Office would,
 * over HTTP, with X-WOPI-Proof / X-WOPI-ProofOld / X-WOPI-TimeStamp on every request.
 *
 * PostMessage, as Collabora does it: the page posts App_LoadingStatus to its parent, lists every
 * message its parent posts to it (`fake-received`), and answers Action_SaveAs { Filename, Notify }
 * with a signed PutRelativeFile (X-WOPI-SuggestedTarget, UTF-7), then continues on the copy without
 * reloading and posts Action_Save_Resp { success: true, fileName } when Notify was set; pdf/epub
 * are exported instead (the page stays on its document, nothing is posted). Tests post any other
 * message to the host page from inside the frame (Playwright's frame.evaluate).
 */
import { createHash, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { proofKeyFromPublicKey, signProof, ticksFromDate } from '@/lib/discovery/proof-keys';
import { encodeUtf7Name } from '@/lib/wopi/utf7';

const EXTENSIONS = ['docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'txt', 'wopitest'];
// Types it only shows, as Collabora lists pdf (view, no edit).
const VIEW_ONLY_EXTENSIONS = ['pdf'];

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const readBody = async (request: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);

  return Buffer.concat(chunks).toString('utf8');
};

export type FakeEditor = { origin: string; discoveryUrl: string; close: () => Promise<void> };

export const startFakeEditor = async ({ port = 0 }: { port?: number } = {}): Promise<FakeEditor> => {
  const current = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const old = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const proofKey = proofKeyFromPublicKey(current.publicKey, old.publicKey);
  let origin = '';

  /** A WOPI call signed with the current key (X-WOPI-Proof) and the old one (X-WOPI-ProofOld). */
  const wopiFetch = async (
    url: string,
    accessToken: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ) => {
    const timestamp = ticksFromDate(new Date());
    const sign = (key: KeyObject) => signProof(key, { accessToken, url, timestamp });

    return fetch(url, {
      method: init.method ?? 'GET',
      body: init.body,
      headers: {
        'X-WOPI-TimeStamp': timestamp.toString(),
        'X-WOPI-Proof': sign(current.privateKey),
        'X-WOPI-ProofOld': sign(old.privateKey),
        ...init.headers,
      },
    });
  };

  const discovery = () => `<?xml version="1.0" encoding="utf-8"?>
<wopi-discovery>
  <net-zone name="external-http">
    <app name="FakeEditor" favIconUrl="${origin}/favicon.ico">
${[...EXTENSIONS.map((ext) => [ext, ['view', 'edit', 'editnew']] as const), ...VIEW_ONLY_EXTENSIONS.map((ext) => [ext, ['view']] as const)].flatMap(([ext, actions]) => actions.map((action) => `      <action name="${action}" ext="${ext}" urlsrc="${origin}/editor/${action}?&lt;ui=UI_LLCC&amp;&gt;&lt;rs=DC_LLCC&amp;&gt;&lt;dchat=DISABLE_CHAT&amp;&gt;"${action === 'edit' ? ' requires="locks,update"' : ''}/>`)).join('\n')}
    </app>
  </net-zone>
  <proof-key value="${proofKey.value}" modulus="${proofKey.modulus}" exponent="${proofKey.exponent}" oldvalue="${proofKey.oldValue}" oldmodulus="${proofKey.oldModulus}" oldexponent="${proofKey.oldExponent}"/>
</wopi-discovery>`;

  /** The browser side of the fake editor: PostMessage with its parent, as Collabora's Map.WOPI.js. */
  const PAGE_SCRIPT = `
const post = (id, values) => parent.postMessage(JSON.stringify({ MessageId: id, SendTime: Date.now(), Values: values || {} }), '*');
const session = document.getElementById('fake-session');
const showFile = (name, wopiSrc, accessToken) => {
  document.querySelector('[data-testid="fake-file-name"]').textContent = name;
  session.dataset.wopiSrc = wopiSrc;
  session.dataset.accessToken = accessToken;
  for (const form of document.querySelectorAll('form')) {
    form.elements.WOPISrc.value = wopiSrc;
    form.elements.access_token.value = accessToken;
  }
};
const saveAs = async (fileName, notify) => {
  const response = await fetch('/editor/save-as', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ wopiSrc: session.dataset.wopiSrc, accessToken: session.dataset.accessToken, fileName }),
  });
  const result = await response.json();
  document.querySelector('[data-testid="fake-note"]').textContent = result.note;
  if (!result.ok) return notify && post('Action_Save_Resp', { success: false, result: result.note });
  if (result.isExport) return;
  showFile(result.name, result.wopiSrc, result.accessToken);
  if (notify) post('Action_Save_Resp', { success: true, fileName: result.name });
};
window.addEventListener('message', (event) => {
  if (event.source !== parent) return;
  const item = document.createElement('li');
  item.dataset.testid = 'fake-received';
  item.textContent = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
  document.getElementById('fake-received-list').appendChild(item);
  let message;
  try { message = typeof event.data === 'string' ? JSON.parse(event.data) : event.data; } catch { return; }
  if (message.MessageId === 'Host_PostmessageReady') document.body.dataset.hostReady = 'true';
  if (message.MessageId === 'Action_SaveAs' && message.Values && message.Values.Filename) void saveAs(String(message.Values.Filename), !!message.Values.Notify);
});
post('App_LoadingStatus', { Status: 'Document_Loaded' });`;

  const page = (
    body: string,
    session: { wopiSrc: string; accessToken: string } = { wopiSrc: '', accessToken: '' },
  ) => `<!doctype html><html><head><meta charset="utf-8"><title>Fake editor</title></head><body>${body}
<div id="fake-session" data-wopi-src="${escapeHtml(session.wopiSrc)}" data-access-token="${escapeHtml(session.accessToken)}"></div>
<ol id="fake-received-list"></ol>
<script>${PAGE_SCRIPT}</script>
</body></html>`;

  /** The editor opening a document: CheckFileInfo + GetFile, then a Save form when writable. */
  const openEditor = async (wopiSrc: string, accessToken: string, ttl: string, note = '') => {
    const info = await wopiFetch(`${wopiSrc}?access_token=${encodeURIComponent(accessToken)}`, accessToken);
    if (info.status !== 200) return page(`<p data-testid="fake-error">CheckFileInfo answered ${info.status}</p>`);
    const fileInfo = (await info.json()) as Record<string, unknown>;
    const file = await wopiFetch(`${wopiSrc}/contents?access_token=${encodeURIComponent(accessToken)}`, accessToken);
    const bytes = Buffer.from(await file.arrayBuffer());
    const canWrite = fileInfo.UserCanWrite === true;

    return page(
      `<h1 data-testid="fake-file-name">${escapeHtml(String(fileInfo.BaseFileName))}</h1>
<p>Size <span data-testid="fake-size">${bytes.length}</span>, version <span data-testid="fake-version">${escapeHtml(String(fileInfo.Version))}</span>,
SHA-256 matches: <span data-testid="fake-sha-ok">${createHash('sha256').update(bytes).digest('base64') === fileInfo.SHA256}</span>,
mode <span data-testid="fake-mode">${canWrite ? 'edit' : 'view'}</span>, user <span data-testid="fake-user">${escapeHtml(String(fileInfo.UserFriendlyName))}</span></p>
<p data-testid="fake-note">${escapeHtml(note)}</p>
${canWrite ? `<form method="post" action="/editor/save"><input type="hidden" name="WOPISrc" value="${escapeHtml(wopiSrc)}"><input type="hidden" name="access_token" value="${escapeHtml(accessToken)}"><input type="hidden" name="access_token_ttl" value="${escapeHtml(ttl)}"><input name="text" value="Saved by the fake editor" data-testid="fake-text"><button type="submit" data-testid="fake-save">Save</button></form><form method="post" action="/editor/lock"><input type="hidden" name="WOPISrc" value="${escapeHtml(wopiSrc)}"><input type="hidden" name="access_token" value="${escapeHtml(accessToken)}"><input type="hidden" name="access_token_ttl" value="${escapeHtml(ttl)}"><button type="submit" data-testid="fake-lock">Start editing (lock)</button></form>` : ''}`,
      { wopiSrc, accessToken },
    );
  };

  /** Save: LOCK, PutFile (with the timestamp check Collabora does), UNLOCK. */
  const save = async (wopiSrc: string, accessToken: string, text: string) => {
    const lockId = randomUUID();
    const query = `?access_token=${encodeURIComponent(accessToken)}`;
    const info = (await (await wopiFetch(`${wopiSrc}${query}`, accessToken)).json()) as { LastModifiedTime: string };
    const locked = await wopiFetch(`${wopiSrc}${query}`, accessToken, {
      method: 'POST',
      headers: { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': lockId },
    });
    const put = await wopiFetch(`${wopiSrc}/contents${query}`, accessToken, {
      method: 'POST',
      headers: {
        'X-WOPI-Override': 'PUT',
        'X-WOPI-Lock': lockId,
        'X-COOL-WOPI-Timestamp': info.LastModifiedTime,
        'X-COOL-WOPI-IsModifiedByUser': 'true',
      },
      body: `${text} (${new Date().toISOString()})`,
    });
    const unlocked = await wopiFetch(`${wopiSrc}${query}`, accessToken, {
      method: 'POST',
      headers: { 'X-WOPI-Override': 'UNLOCK', 'X-WOPI-Lock': lockId },
    });

    return `LOCK ${locked.status}, PutFile ${put.status} (version ${put.headers.get('X-WOPI-ItemVersion') ?? '?'}), UNLOCK ${unlocked.status}`;
  };

  /** Keeps the document open for editing: LOCK only (as an editor does when a user starts editing). */
  const lock = async (wopiSrc: string, accessToken: string) => {
    const query = `?access_token=${encodeURIComponent(accessToken)}`;
    const locked = await wopiFetch(`${wopiSrc}${query}`, accessToken, {
      method: 'POST',
      headers: { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': randomUUID() },
    });

    return `LOCK ${locked.status}`;
  };

  /**
   * Action_SaveAs as Collabora's server does it: PutRelativeFile of the current bytes with
   * X-WOPI-SuggestedTarget; for a save (not an export) the editor then opens the copy from the
   * response's Url (CheckFileInfo with the copy's own token).
   */
  const saveAs = async (wopiSrc: string, accessToken: string, fileName: string) => {
    const query = `?access_token=${encodeURIComponent(accessToken)}`;
    const bytes = Buffer.from(await (await wopiFetch(`${wopiSrc}/contents${query}`, accessToken)).arrayBuffer());
    const put = await wopiFetch(`${wopiSrc}${query}`, accessToken, {
      method: 'POST',
      headers: {
        'X-WOPI-Override': 'PUT_RELATIVE',
        'X-WOPI-SuggestedTarget': encodeUtf7Name(fileName),
        'X-WOPI-Size': String(bytes.length),
      },
      body: bytes.toString('utf8'),
    });
    if (put.status !== 200) return { ok: false, note: `PutRelativeFile ${put.status}` };
    const created = (await put.json()) as { Name: string; Url: string };
    const isExport = /\.(pdf|epub)$/i.test(fileName);
    const url = new URL(created.Url);
    const copyToken = url.searchParams.get('access_token') ?? '';
    url.search = '';
    if (isExport) return { ok: true, isExport, note: `PutRelativeFile 200 (${created.Name}), exported` };
    const info = await wopiFetch(created.Url, copyToken);
    const note = `PutRelativeFile 200 (${created.Name}), CheckFileInfo ${info.status}`;

    return { ok: true, isExport, note, name: created.Name, wopiSrc: url.toString(), accessToken: copyToken };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', origin);
    const send = (status: number, type: string, body: string) =>
      response.writeHead(status, { 'Content-Type': type }).end(body);
    if (url.pathname === '/hosting/discovery') return send(200, 'text/xml', discovery());
    if (request.method === 'POST' && url.pathname === '/editor/save-as') {
      const body = JSON.parse(await readBody(request)) as { wopiSrc: string; accessToken: string; fileName: string };

      return send(200, 'application/json', JSON.stringify(await saveAs(body.wopiSrc, body.accessToken, body.fileName)));
    }
    if (request.method === 'POST' && url.pathname.startsWith('/editor/')) {
      const form = new URLSearchParams(await readBody(request));
      const accessToken = form.get('access_token') ?? '';
      const ttl = form.get('access_token_ttl') ?? '0';
      if (url.pathname === '/editor/save') {
        const wopiSrc = form.get('WOPISrc') ?? '';
        const note = await save(wopiSrc, accessToken, form.get('text') ?? 'saved');

        return send(200, 'text/html', await openEditor(wopiSrc, accessToken, ttl, note));
      }
      if (url.pathname === '/editor/lock') {
        const wopiSrc = form.get('WOPISrc') ?? '';

        return send(200, 'text/html', await openEditor(wopiSrc, accessToken, ttl, await lock(wopiSrc, accessToken)));
      }
      const wopiSrc = url.searchParams.get('WOPISrc');
      if (!wopiSrc || !accessToken)
        return send(400, 'text/html', page('<p data-testid="fake-error">missing WOPISrc or access_token</p>'));

      return send(200, 'text/html', await openEditor(wopiSrc, accessToken, ttl));
    }

    return send(404, 'text/plain', 'not found');
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`;

  return {
    origin,
    discoveryUrl: `${origin}/hosting/discovery`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
