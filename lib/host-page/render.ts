/** HTML of the editor host page and its error pages: plain strings, every value escaped. */

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON safe to embed in a <script>: no "</script>", no U+2028/2029 surprises. */
const scriptJson = (value: unknown) =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

const STYLE = `
  html, body { margin: 0; height: 100%; font-family: system-ui, sans-serif; }
  body { display: flex; flex-direction: column; }
  header { display: flex; gap: 1rem; align-items: center; padding: 0.4rem 1rem; border-bottom: 1px solid #e3e6eb; font-size: 0.95rem; }
  header a { color: #2557d6; text-decoration: none; }
  header .title { font-weight: 600; flex: 1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  #editor-host { flex: 1; display: flex; }
  #editor-host iframe { flex: 1; border: 0; width: 100%; height: 100%; }
  main.message { max-width: 640px; margin: 12vh auto; padding: 0 1rem; line-height: 1.5; }
  main.message h1 { font-size: 1.4rem; }
  code { background: #f1f3f5; padding: 0.1rem 0.3rem; border-radius: 4px; }
`;

type PageShell = { title: string; nonce: string; body: string; script?: string };

const shell = ({ title, nonce, body, script }: PageShell) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
${body}
${script ? `<script nonce="${nonce}">${script}</script>` : ''}
</body>
</html>`;

export type HostPageInput = {
  nonce: string;
  documentName: string;
  documentId: string;
  mode: 'view' | 'edit';
  editor: string;
  alternatives: string[];
  actionUrl: string;
  accessToken: string;
  accessTokenTtl: number;
  editorOrigin: string;
  closeUrl: string;
  portalOrigin: string;
};

/**
 * A full-viewport page that POSTs the access token into a dynamically created iframe (never in a
 * URL), answers the editor's PostMessages, and follows UI_Close / UI_Edit / renames / Save As.
 */
export const renderHostPage = (input: HostPageInput) => {
  const config = {
    actionUrl: input.actionUrl,
    accessToken: input.accessToken,
    accessTokenTtl: String(input.accessTokenTtl),
    editorOrigin: input.editorOrigin,
    portalOrigin: input.portalOrigin,
    closeUrl: input.closeUrl,
    editUrl: `/documents/${input.documentId}/edit?editor=${encodeURIComponent(input.editor)}`,
  };
  const switcher = input.alternatives
    .map(
      (name) =>
        `<a href="/documents/${input.documentId}/${input.mode}?editor=${encodeURIComponent(name)}">Open in ${escapeHtml(name)}</a>`,
    )
    .join(' ');
  const body = `<header>
  <a href="${escapeHtml(input.closeUrl)}" data-testid="back-to-folder">← Documents</a>
  <span class="title" id="doc-title" data-testid="document-title">${escapeHtml(input.documentName)}</span>
  <span data-testid="editor-name">${escapeHtml(input.editor)} · ${input.mode === 'edit' ? 'editing' : 'viewing'}</span>
  ${switcher}
</header>
<div id="editor-host" data-testid="editor-host"></div>`;
  const script = `
(() => {
  const config = ${scriptJson(config)};
  const frame = document.createElement('iframe');
  frame.name = 'wopi-editor-frame';
  frame.title = 'Document editor';
  frame.setAttribute('allow', 'clipboard-read; clipboard-write; fullscreen');
  frame.setAttribute('allowfullscreen', 'true');
  document.getElementById('editor-host').appendChild(frame);
  const form = document.createElement('form');
  form.method = 'post';
  form.action = config.actionUrl;
  form.target = frame.name;
  for (const [name, value] of [['access_token', config.accessToken], ['access_token_ttl', config.accessTokenTtl]]) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }
  document.body.appendChild(form);
  form.submit();
  form.remove();
  config.accessToken = '';

  const send = (messageId, values) =>
    frame.contentWindow && frame.contentWindow.postMessage(JSON.stringify({ MessageId: messageId, SendTime: Date.now(), Values: values || {} }), config.editorOrigin);
  const samePortal = (url) => { try { const u = new URL(url, location.href); return u.origin === config.portalOrigin ? u.href : null; } catch { return null; } };
  window.addEventListener('message', (event) => {
    if (event.origin !== config.editorOrigin || event.source !== frame.contentWindow) return;
    let message;
    try { message = typeof event.data === 'string' ? JSON.parse(event.data) : event.data; } catch { return; }
    if (!message || typeof message.MessageId !== 'string') return;
    const values = message.Values || {};
    switch (message.MessageId) {
      case 'App_LoadingStatus':
        send('Host_PostmessageReady');
        document.body.dataset.editorStatus = 'loaded';
        break;
      case 'UI_Close':
        location.href = config.closeUrl;
        break;
      case 'UI_Edit':
        location.href = config.editUrl;
        break;
      case 'File_Rename':
        if (typeof values.NewName === 'string') {
          document.getElementById('doc-title').textContent = values.NewName;
          document.title = values.NewName;
        }
        break;
      default: {
        // Save As: follow the new document's host URL when the editor reports one of ours.
        const target = samePortal(values.HostEditUrl || values.NewUrl || values.Url || '');
        if (target && /SaveAs|Save_As/i.test(message.MessageId)) location.href = target;
      }
    }
  });
})();`;

  return shell({ title: input.documentName, nonce: input.nonce, body, script });
};

/** A plain explanation page (no editor, no document, discovery failing, …). */
export const renderMessagePage = ({
  nonce,
  title,
  paragraphs,
  backUrl,
}: {
  nonce: string;
  title: string;
  paragraphs: string[];
  backUrl: string;
}) =>
  shell({
    title,
    nonce,
    body: `<main class="message" data-testid="host-message">
  <h1>${escapeHtml(title)}</h1>
  ${paragraphs.map((p) => `<p>${p}</p>`).join('\n  ')}
  <p><a href="${escapeHtml(backUrl)}">← Back to the documents</a></p>
</main>`,
  });

export { escapeHtml };
