import { randomBytes } from 'node:crypto';
import { userFromRequest } from '@/lib/auth/session';
import { buildActionUrl } from '@/lib/discovery/action-url';
import { configuredClients } from '@/lib/discovery/clients';
import { editorProductOf } from '@/lib/discovery/product';
import { chooseEditor } from '@/lib/discovery/editors';
import { inlineTypeOf } from '@/lib/discovery/open-action';
import { browseHref } from '@/lib/documents/browse-params';
import { getDocument, isUuid } from '@/lib/documents/queries';
import { publicUrl } from '@/lib/env';
import { EDITOR_LOCALES, localeOfRequest } from '@/lib/i18n/locales';
import { translatorFor } from '@/lib/i18n/translator';
import { escapeHtml, renderHostPage, renderMessagePage } from '@/lib/host-page/render';
import { noEditorParagraphs } from '@/lib/portal-page/message-page';
import { ROLE_PERMISSIONS } from '@/lib/users/permissions';
import { issueAccessToken } from '@/lib/tokens/issue';

const htmlResponse = (html: string, status: number, nonce: string, frameOrigins: string[] = []) =>
  new Response(html, {
    status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': [
        "default-src 'none'",
        `script-src 'nonce-${nonce}'`,
        `style-src 'nonce-${nonce}'`,
        "img-src 'self' data:",
        // The page's one request of its own: GET /api/documents/:id/saved-as after a Save As.
        "connect-src 'self'",
        `frame-src ${frameOrigins.length > 0 ? frameOrigins.join(' ') : "'none'"}`,
        `form-action ${frameOrigins.length > 0 ? frameOrigins.join(' ') : "'none'"}`,
        "base-uri 'none'",
        "frame-ancestors 'self'",
      ].join('; '),
    },
  });

const redirect = (location: string) =>
  new Response(null, { status: 303, headers: { Location: location, 'Cache-Control': 'no-store' } });

const origin = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
};

/**
 * GET /documents/:id/(view|edit): signs the user in (redirect), checks the role (edit → view for
 * viewers), mints the access token and renders the host page, or a page saying exactly why the
 * document cannot be opened. Edit of a type the editors only view → 303 to view; a PDF or raster
 * image no editor opens → 303 to the browser's own viewer (/api/documents/:id/inline).
 */
export const openDocumentPage = async (request: Request, id: string, mode: string): Promise<Response> => {
  const nonce = randomBytes(16).toString('base64');
  const url = new URL(request.url);
  const base = publicUrl();
  if (mode !== 'view' && mode !== 'edit') {
    const locale = localeOfRequest(request, await userFromRequest(request));
    const t = translatorFor(locale);

    return htmlResponse(
      renderMessagePage({
        nonce,
        title: t('host.pageNotFound'),
        paragraphs: [escapeHtml(t('host.noSuchPage'))],
        backUrl: '/',
        locale,
      }),
      404,
      nonce,
    );
  }
  const user = await userFromRequest(request);
  if (!user) return redirect(`/login?callbackUrl=${encodeURIComponent(`${url.pathname}${url.search}`)}`);
  if (mode === 'edit' && !ROLE_PERMISSIONS[user.role].includes('write'))
    return redirect(`/documents/${id}/view${url.search}`);
  // The portal's language, and the editor's (UI_LLCC/DC_LLCC): the user's choice, else the browser's.
  const locale = localeOfRequest(request, user);
  const t = translatorFor(locale);

  const doc = isUuid(id) ? await getDocument(id) : null;
  if (!doc) {
    return htmlResponse(
      renderMessagePage({
        nonce,
        title: t('host.documentNotFound'),
        paragraphs: [escapeHtml(t('host.documentNotFoundText'))],
        backUrl: '/',
        user,
        locale,
      }),
      404,
      nonce,
    );
  }
  const closeUrl = browseHref({ folder: doc.folder });
  const lookupFor = (wanted: 'view' | 'edit') =>
    chooseEditor({
      extension: doc.extension,
      mode: wanted,
      isEmpty: doc.size === 0,
      preferred: url.searchParams.get('editor'),
      publicUrl: base,
    });
  const lookup = await lookupFor(mode);
  // A type the editors only view (Collabora: pdf) opens in view mode rather than failing.
  if (mode === 'edit' && lookup.kind === 'no-editor' && (await lookupFor('view')).kind === 'ok')
    return redirect(`/documents/${doc.id}/view${url.search}`);
  // No editor for it at all: PDFs and raster images open in the browser's own viewer.
  if ((lookup.kind === 'no-editor' || lookup.kind === 'no-clients') && inlineTypeOf(doc.extension))
    return redirect(`/api/documents/${doc.id}/inline`);
  if (lookup.kind === 'no-clients') {
    return htmlResponse(
      renderMessagePage({
        nonce,
        title: t('host.noClientsTitle'),
        paragraphs: noEditorParagraphs(user.role, locale),
        backUrl: closeUrl,
        user,
        locale,
      }),
      503,
      nonce,
    );
  }
  if (lookup.kind === 'no-editor') {
    return htmlResponse(
      renderMessagePage({
        nonce,
        title: t('host.noEditorTitle'),
        paragraphs: [
          t.markup('host.noEditorText', {
            extension: escapeHtml(lookup.extension || t('host.noExtension')),
            code: (chunks) => `<code>${chunks}</code>`,
          }),
        ],
        backUrl: closeUrl,
        user,
        locale,
      }),
      415,
      nonce,
    );
  }
  if (lookup.kind === 'discovery-failed') {
    return htmlResponse(
      renderMessagePage({
        nonce,
        title: t('host.unreachableTitle'),
        paragraphs: [
          escapeHtml(t('host.unreachableText')),
          ...(user.role === 'admin'
            ? lookup.failures.map((f) => `${escapeHtml(f.client)}: ${escapeHtml(f.error)}`)
            : []),
        ],
        backUrl: closeUrl,
        user,
        locale,
      }),
      503,
      nonce,
    );
  }

  const { option, alternatives } = lookup;
  const issued = await issueAccessToken({
    documentId: doc.id,
    user,
    readonly: mode === 'view',
    client: option.client,
    // How this editor encodes file names and identifies itself (lib/wopi/sender.ts).
    editor: editorProductOf(option.action.urlsrc) ?? undefined,
  });
  const actionUrl = buildActionUrl({
    urlsrc: option.action.urlsrc,
    wopiSrc: issued.wopiSrc,
    values: {
      UI_LLCC: EDITOR_LOCALES[locale],
      DC_LLCC: EDITOR_LOCALES[locale],
      DISABLE_CHAT: '1',
      ...(option.action.name === 'embedview' ? { EMBEDDED: 'true' } : {}),
    },
  });
  const editorOrigin = origin(actionUrl)!;
  // Collabora shows its close button (which posts UI_Close) only when asked to.
  const isCollabora = /\/(cool|loleaflet)\.html/.test(new URL(actionUrl).pathname);
  const finalActionUrl = isCollabora ? `${actionUrl}${actionUrl.includes('?') ? '&' : '?'}closebutton=1` : actionUrl;
  const frameOrigins = [
    ...new Set([
      editorOrigin,
      ...configuredClients()
        .map((c) => origin(c.discoveryUrl))
        .filter((o): o is string => !!o),
    ]),
  ];

  return htmlResponse(
    renderHostPage({
      nonce,
      documentName: doc.name,
      documentId: doc.id,
      documentExtension: doc.extension,
      mode,
      editor: option.client,
      alternatives,
      actionUrl: finalActionUrl,
      accessToken: issued.accessToken,
      accessTokenTtl: issued.accessTokenTtl,
      editorOrigin,
      closeUrl,
      locale,
    }),
    200,
    nonce,
    frameOrigins,
  );
};
