/** HTML of the editor host page and its error pages: plain strings, every value escaped. */
import { visibleName } from '@/lib/names';
import { hostPageScript } from '@/lib/host-page/host-script';
import { saveAsFormats } from '@/lib/host-page/save-as-formats';
import { FORBIDDEN_NAME_CHARS } from '@/lib/names';
import { renderPortalMessagePage, type PortalMessagePage } from '@/lib/portal-page/message-page';

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

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
  dialog.save-as { border: 1px solid #d0d5dd; border-radius: 10px; padding: 1.25rem 1.5rem; width: min(26rem, calc(100vw - 2rem)); box-shadow: 0 12px 32px rgba(16, 24, 40, 0.18); }
  dialog.save-as::backdrop { background: rgba(16, 24, 40, 0.35); }
  dialog.save-as h2 { margin: 0 0 1rem; font-size: 1.1rem; }
  dialog.save-as label { display: block; margin-bottom: 0.8rem; font-size: 0.9rem; color: #344054; }
  dialog.save-as input, dialog.save-as select { display: block; box-sizing: border-box; width: 100%; margin-top: 0.3rem; padding: 0.45rem 0.6rem; font: inherit; border: 1px solid #d0d5dd; border-radius: 6px; }
  dialog.save-as .hint { margin: 0 0 1rem; font-size: 0.8rem; color: #667085; }
  dialog.save-as .actions { display: flex; justify-content: flex-end; gap: 0.5rem; }
  dialog.save-as button { font: inherit; padding: 0.4rem 0.9rem; border-radius: 6px; border: 1px solid #d0d5dd; background: #fff; cursor: pointer; }
  dialog.save-as button[type='submit'] { background: #2557d6; border-color: #2557d6; color: #fff; }
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
  /** The document's extension (lower case, no dot): decides the Save As formats. */
  documentExtension: string;
  mode: 'view' | 'edit';
  editor: string;
  alternatives: string[];
  actionUrl: string;
  accessToken: string;
  accessTokenTtl: number;
  editorOrigin: string;
  closeUrl: string;
};

/** The portal's Save As dialog, opened when the editor posts UI_SaveAs (edit mode only). */
const saveAsDialog = (extension: string) => {
  const formats = saveAsFormats(extension);
  const exports = formats.filter((f) => f.isExport).map((f) => f.extension.toUpperCase());

  return `<dialog class="save-as" id="save-as-dialog" data-testid="save-as-dialog" aria-labelledby="save-as-title">
  <form id="save-as-form" method="dialog" novalidate>
    <h2 id="save-as-title">Save a copy</h2>
    <label>Name <input id="save-as-name" name="name" data-testid="save-as-name" autocomplete="off" spellcheck="false" maxlength="250"></label>
    <label>Format <select id="save-as-format" name="format" data-testid="save-as-format">
      ${formats.map((f) => `<option value="${escapeHtml(f.extension)}">${escapeHtml(f.label)}</option>`).join('\n      ')}
    </select></label>
    <p class="hint">The copy goes into the same folder and the editor continues on it.${exports.length > 0 ? ` ${exports.join(' and ')} ${exports.length > 1 ? 'are' : 'is'} exported as a new file; the editor stays on this document.` : ''}</p>
    <div class="actions">
      <button type="button" id="save-as-cancel" data-testid="save-as-cancel">Cancel</button>
      <button type="submit" data-testid="save-as-submit">Save</button>
    </div>
  </form>
</dialog>`;
};

/**
 * A full-viewport page that POSTs the access token into a dynamically created iframe (never in a
 * URL) and speaks the editor's PostMessage protocol (lib/host-page/host-script.ts).
 */
export const renderHostPage = (input: HostPageInput) => {
  const switcher = input.alternatives
    .map(
      (name) =>
        `<a href="/documents/${input.documentId}/${input.mode}?editor=${encodeURIComponent(name)}" data-editor-link="${escapeHtml(name)}">Open in ${escapeHtml(name)}</a>`,
    )
    .join(' ');
  const body = `<header>
  <a href="${escapeHtml(input.closeUrl)}" data-testid="back-to-folder">← Documents</a>
  <span class="title" id="doc-title" data-testid="document-title">${escapeHtml(visibleName(input.documentName))}</span>
  <span data-testid="editor-name">${escapeHtml(input.editor)} · ${input.mode === 'edit' ? 'editing' : 'viewing'}</span>
  ${switcher}
  <a href="/documents/${input.documentId}/history" data-testid="history-link">History</a>
</header>
<div id="editor-host" data-testid="editor-host"></div>
${input.mode === 'edit' ? saveAsDialog(input.documentExtension) : ''}`;
  const script = hostPageScript({
    actionUrl: input.actionUrl,
    accessToken: input.accessToken,
    accessTokenTtl: String(input.accessTokenTtl),
    editorOrigin: input.editorOrigin,
    documentId: input.documentId,
    documentName: input.documentName,
    mode: input.mode,
    editor: input.editor,
    closeUrl: input.closeUrl,
    forbiddenNameChars: FORBIDDEN_NAME_CHARS.source,
  });

  return shell({ title: visibleName(input.documentName), nonce: input.nonce, body, script });
};

/**
 * A plain explanation page (no editor, no document, discovery failing, …) inside the portal's
 * frame: lib/portal-page/message-page.ts (header for `user`, heading, way back, dark mode).
 */
export const renderMessagePage = (input: PortalMessagePage) => renderPortalMessagePage(input);

export { escapeHtml };
