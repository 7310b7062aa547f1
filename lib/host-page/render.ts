/** HTML of the editor host page and its error pages: plain strings, every value escaped. */
import { DEFAULT_LOCALE, type Locale } from '@/lib/i18n/locales';
import { translatorFor } from '@/lib/i18n/translator';
import { visibleName } from '@/lib/names';
import { hostPageScript } from '@/lib/host-page/host-script';
import { saveAsFormats, type SaveAsFormat } from '@/lib/host-page/save-as-formats';
import { FORBIDDEN_NAME_CHARS } from '@/lib/names';
import { renderPortalMessagePage, type PortalMessagePage } from '@/lib/portal-page/message-page';

type Translator = ReturnType<typeof translatorFor>;

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

type PageShell = { title: string; nonce: string; body: string; script?: string; locale: Locale };

const shell = ({ title, nonce, body, script, locale }: PageShell) => `<!doctype html>
<html lang="${locale}">
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
  /** The page's language (the editor gets the same one as UI_LLCC). */
  locale?: Locale;
};

/** The portal's Save As dialog, opened when the editor posts UI_SaveAs (edit mode only). */
const saveAsDialog = (extension: string, t: Translator) => {
  const formats = saveAsFormats(extension);
  const exports = formats.filter((f) => f.isExport).map((f) => f.extension.toUpperCase());
  const label = (f: SaveAsFormat) =>
    t.has(`host.formats.${f.extension}` as 'host.formats.pdf')
      ? t(`host.formats.${f.extension}` as 'host.formats.pdf')
      : t('host.formats.same', { ext: f.extension });
  const exportsHint =
    exports.length > 0
      ? ` ${t('host.saveAsExports', { formats: exports.join(` ${t('host.and')} `), count: exports.length })}`
      : '';

  return `<dialog class="save-as" id="save-as-dialog" data-testid="save-as-dialog" aria-labelledby="save-as-title">
  <form id="save-as-form" method="dialog" novalidate>
    <h2 id="save-as-title">${escapeHtml(t('host.saveAsTitle'))}</h2>
    <label>${escapeHtml(t('host.saveAsName'))} <input id="save-as-name" name="name" data-testid="save-as-name" autocomplete="off" spellcheck="false" maxlength="250"></label>
    <label>${escapeHtml(t('host.saveAsFormat'))} <select id="save-as-format" name="format" data-testid="save-as-format">
      ${formats.map((f) => `<option value="${escapeHtml(f.extension)}">${escapeHtml(label(f))}</option>`).join('\n      ')}
    </select></label>
    <p class="hint">${escapeHtml(t('host.saveAsHint') + exportsHint)}</p>
    <div class="actions">
      <button type="button" id="save-as-cancel" data-testid="save-as-cancel">${escapeHtml(t('host.cancel'))}</button>
      <button type="submit" data-testid="save-as-submit">${escapeHtml(t('host.save'))}</button>
    </div>
  </form>
</dialog>`;
};

/**
 * A full-viewport page that POSTs the access token into a dynamically created iframe (never in a
 * URL) and speaks the editor's PostMessage protocol (lib/host-page/host-script.ts).
 */
export const renderHostPage = (input: HostPageInput) => {
  const locale = input.locale ?? DEFAULT_LOCALE;
  const t = translatorFor(locale);
  const switcher = input.alternatives
    .map(
      (name) =>
        `<a href="/documents/${input.documentId}/${input.mode}?editor=${encodeURIComponent(name)}" data-editor-link="${escapeHtml(name)}">${escapeHtml(t('host.openIn', { editor: name }))}</a>`,
    )
    .join(' ');
  const body = `<header>
  <a href="${escapeHtml(input.closeUrl)}" data-testid="back-to-folder">← ${escapeHtml(t('host.backToFolder'))}</a>
  <span class="title" id="doc-title" data-testid="document-title">${escapeHtml(visibleName(input.documentName))}</span>
  <span data-testid="editor-name">${escapeHtml(t(input.mode === 'edit' ? 'host.editing' : 'host.viewing', { editor: input.editor }))}</span>
  ${switcher}
  <a href="/documents/${input.documentId}/history" data-testid="history-link">${escapeHtml(t('host.history'))}</a>
</header>
<div id="editor-host" data-testid="editor-host"></div>
${input.mode === 'edit' ? saveAsDialog(input.documentExtension, t) : ''}`;
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
    texts: {
      frameTitle: t('host.frameTitle'),
      enterName: t('host.enterName'),
      nameMustNotContain: t('host.nameMustNotContain', { char: '{char}' }),
      nameMustNotEndWithDot: t('host.nameMustNotEndWithDot'),
    },
  });

  return shell({ title: visibleName(input.documentName), nonce: input.nonce, body, script, locale });
};

/**
 * A plain explanation page (no editor, no document, discovery failing, …) inside the portal's
 * frame: lib/portal-page/message-page.ts (header for `user`, heading, way back, dark mode).
 */
export const renderMessagePage = (input: PortalMessagePage) => renderPortalMessagePage(input);

export { escapeHtml };
