/**
 * The host page's script (a string: it runs in the browser under the page's CSP nonce). It POSTs
 * the access token into the editor frame, then speaks the PostMessage protocol with the frame
 * only (origin and source checked; anything else is ignored):
 *
 * - App_LoadingStatus → Host_PostmessageReady (WOPI; Collabora ignores later ones).
 * - UI_Close / UI_Edit → the folder / the edit page.
 * - UI_SaveAs (Collabora: File → Save As, Values.format optional) → the portal's dialog → Action_SaveAs
 *   { Filename: "<name>.<format>", Notify: true }; Collabora picks the format from the extension
 *   (browser/src/map/handler/Map.WOPI.js). Cancel sends nothing.
 * - Action_Save_Resp { success: true, fileName } → Collabora now edits the copy (it posts this after a
 *   Save As only when Notify was asked for; browser/src/app/Socket.ts _renameOrSaveAsCallback): the
 *   title follows at once, the URL (history.replaceState, never a navigation) once the portal has
 *   resolved the name to the copy's id.
 * - File_Rename { NewName } → the title (Collabora sends the name URI-encoded, without extension).
 */
export type HostScriptConfig = {
  actionUrl: string;
  accessToken: string;
  accessTokenTtl: string;
  editorOrigin: string;
  documentId: string;
  documentName: string;
  mode: 'view' | 'edit';
  /** The WOPI client this page opened (UI_Edit reopens the document with it). */
  editor: string;
  closeUrl: string;
  /** FORBIDDEN_NAME_CHARS.source: the dialog refuses what the host would refuse. */
  forbiddenNameChars: string;
  /** The page's words in its language; nameMustNotContain has a literal `{char}` to fill. */
  texts: { frameTitle: string; enterName: string; nameMustNotContain: string; nameMustNotEndWithDot: string };
};

/** JSON safe to embed in a <script>: no "</script>", no U+2028/2029 surprises. */
export const scriptJson = (value: unknown) =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

export const hostPageScript = (config: HostScriptConfig) => `
(() => {
  const config = ${scriptJson(config)};
  const frame = document.createElement('iframe');
  frame.name = 'wopi-editor-frame';
  frame.title = config.texts.frameTitle;
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

  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const FORBIDDEN = new RegExp(config.forbiddenNameChars);
  const current = { id: config.documentId, name: config.documentName };
  const titleElement = document.getElementById('doc-title');
  const dialog = document.getElementById('save-as-dialog');
  const dialogForm = document.getElementById('save-as-form');
  const nameInput = document.getElementById('save-as-name');
  const formatSelect = document.getElementById('save-as-format');

  const send = (messageId, values) =>
    frame.contentWindow && frame.contentWindow.postMessage(JSON.stringify({ MessageId: messageId, SendTime: Date.now(), Values: values || {} }), config.editorOrigin);
  const extensionOf = (name) => { const dot = name.lastIndexOf('.'); return dot > 0 ? name.slice(dot + 1).toLowerCase() : ''; };
  const baseOf = (name) => { const dot = name.lastIndexOf('.'); return dot > 0 ? name.slice(0, dot) : name; };
  const decodeName = (value) => { try { return decodeURIComponent(value); } catch { return value; } };
  const showName = (name) => {
    current.name = name;
    titleElement.textContent = name;
    document.title = name;
  };
  const documentPath = (id, mode, editor) =>
    '/documents/' + encodeURIComponent(id) + '/' + mode + (editor ? '?editor=' + encodeURIComponent(editor) : '');
  const showDocument = (id) => {
    current.id = id;
    document.body.dataset.documentId = id;
    history.replaceState(history.state, '', documentPath(id, config.mode, new URLSearchParams(location.search).get('editor')));
    for (const link of document.querySelectorAll('a[data-editor-link]')) link.href = documentPath(id, config.mode, link.dataset.editorLink);
    const historyLink = document.querySelector('a[data-testid="history-link"]');
    if (historyLink) historyLink.href = documentPath(id, 'history');
  };

  // Save As finished in the editor: follow it to the copy (same folder, name unique there). With
  // no name, the server answers with this user's Save As of this document in the last minutes.
  let loads = 0;
  const followCopy = async (fileName) => {
    const from = current.id;
    if (fileName) showName(fileName);
    try {
      const query = fileName ? '?name=' + encodeURIComponent(fileName) : '';
      const response = await fetch('/api/documents/' + encodeURIComponent(from) + '/saved-as' + query, {
        headers: { accept: 'application/json' },
        credentials: 'same-origin',
        cache: 'no-store',
      });
      if (!response.ok) return;
      const copy = await response.json();
      if (!copy || typeof copy.id !== 'string' || !UUID.test(copy.id) || copy.id === current.id || current.id !== from) return;
      if (typeof copy.name === 'string' && copy.name) showName(copy.name);
      showDocument(copy.id);
    } catch {
      // The title already follows the editor; the address stays on the document it was opened as.
    }
  };

  const openSaveAs = (requestedFormat) => {
    if (!dialog || dialog.open || config.mode !== 'edit') return;
    const formats = Array.from(formatSelect.options, (option) => option.value);
    const own = extensionOf(current.name);
    formatSelect.value = formats.includes(requestedFormat) ? requestedFormat : formats.includes(own) ? own : formats[0];
    nameInput.value = baseOf(current.name);
    nameInput.setCustomValidity('');
    dialog.showModal();
    nameInput.select();
  };
  if (dialog) {
    nameInput.addEventListener('input', () => nameInput.setCustomValidity(''));
    document.getElementById('save-as-cancel').addEventListener('click', () => dialog.close());
    dialogForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const base = nameInput.value.trim();
      const format = formatSelect.value;
      const fileName = base.toLowerCase().endsWith('.' + format) ? base : base + '.' + format;
      const bad = FORBIDDEN.exec(base);
      const problem = !base ? config.texts.enterName : bad ? config.texts.nameMustNotContain.replace('{char}', JSON.stringify(bad[0])) : base.endsWith('.') ? config.texts.nameMustNotEndWithDot : '';
      nameInput.setCustomValidity(problem);
      if (problem) return void nameInput.reportValidity();
      dialog.close();
      send('Action_SaveAs', { Filename: fileName, Notify: true });
    });
  }

  window.addEventListener('message', (event) => {
    if (event.origin !== config.editorOrigin || event.source !== frame.contentWindow) return;
    let message;
    try { message = typeof event.data === 'string' ? JSON.parse(event.data) : event.data; } catch { return; }
    if (!message || typeof message.MessageId !== 'string') return;
    const values = message.Values && typeof message.Values === 'object' ? message.Values : {};
    switch (message.MessageId) {
      case 'App_LoadingStatus':
        send('Host_PostmessageReady');
        document.body.dataset.editorStatus = 'loaded';
        // Loaded again: after a Save As from Collabora's name field the frame now edits the copy
        // and says nothing else (Control.DocumentNameInput.js → map.saveAs without Notify).
        if (++loads > 1) void followCopy(null);
        break;
      case 'UI_Close':
        location.href = config.closeUrl;
        break;
      case 'UI_Edit':
        if (config.mode !== 'edit') location.href = documentPath(current.id, 'edit', config.editor);
        break;
      case 'UI_SaveAs':
        openSaveAs(typeof values.format === 'string' ? values.format.toLowerCase() : '');
        break;
      case 'Action_Save_Resp':
        if (values.success === true && typeof values.fileName === 'string' && values.fileName.trim()) void followCopy(values.fileName.trim());
        break;
      case 'File_Rename': {
        const newName = typeof values.NewName === 'string' ? decodeName(values.NewName).trim() : '';
        const extension = extensionOf(current.name);
        if (newName) showName(!extension || newName.toLowerCase().endsWith('.' + extension) ? newName : newName + '.' + extension);
        break;
      }
      default:
        // Anything else (UI_Sharing, Doc_ModifiedStatus, View_Added, …) needs nothing from this page.
        break;
    }
  });
})();`;
