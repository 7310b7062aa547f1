/**
 * The portal's error and message page as an HTML string, for responses that are not React pages
 * (the editor host route sets its own CSP with a nonce): the same header as components/
 * portal-header.tsx, a heading, the explanation and a way back. Colours follow app/globals.css,
 * dark mode included. Every value is escaped; `paragraphs` are trusted HTML written by the caller.
 * The header and the way back are in `locale` (messages/*.json, as the React pages).
 */
import { DEFAULT_LOCALE, type Locale } from '@/lib/i18n/locales';
import { translatorFor } from '@/lib/i18n/translator';

type HeaderUser = { name: string; email: string; role: string };

export type PortalMessagePage = {
  nonce: string;
  title: string;
  /** Trusted HTML, one paragraph each (escape any value you put in). */
  paragraphs: string[];
  backUrl: string;
  backLabel?: string;
  /** The signed-in user, for the header; without one the header offers "Sign in". */
  user?: HeaderUser | null;
  /** The page's language (lib/i18n/locales.ts resolveLocale); English when not given. */
  locale?: Locale;
};

export const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `
  :root { --bg: #f6f7f9; --surface: #fff; --fg: #1c2330; --muted: #667085; --line: #e3e6eb; --accent: #2557d6; --badge-bg: #eef2ff; --badge-fg: #3b4cca; color-scheme: light dark; }
  @media (prefers-color-scheme: dark) {
    :root { --bg: #14171c; --surface: #1d2128; --fg: #e6e8eb; --muted: #a0a7b4; --line: #343a45; --accent: #7ea2ff; --badge-bg: #27304a; --badge-fg: #b9c6ff; }
  }
  * { box-sizing: border-box; }
  html, body { margin: 0; }
  body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: var(--fg); background: var(--bg); }
  a { color: var(--accent); text-decoration: none; }
  a:hover { text-decoration: underline; }
  .topbar { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: 0.5rem 1rem; padding: 0.7rem 1.5rem; background: var(--surface); border-bottom: 1px solid var(--line); }
  .brand { font-weight: 700; font-size: 1.1rem; color: var(--fg); }
  .topbar nav { display: flex; flex-wrap: wrap; gap: 0.4rem 0.8rem; align-items: center; min-width: 0; }
  .badge { font-size: 0.75rem; padding: 0.1rem 0.5rem; border-radius: 999px; background: var(--badge-bg); color: var(--badge-fg); }
  main { max-width: 1100px; margin: 0 auto; padding: 1.25rem 1.5rem 3rem; }
  .panel { max-width: 40rem; margin: 8vh auto 0; padding: 1.5rem; background: var(--surface); border: 1px solid var(--line); border-radius: 8px; line-height: 1.5; overflow-wrap: anywhere; }
  .panel h1 { margin-top: 0; font-size: 1.4rem; }
  code { background: var(--bg); padding: 0.1rem 0.3rem; border-radius: 4px; }
  .link-button { font: inherit; color: var(--accent); background: none; border: 0; padding: 0; cursor: pointer; }
  .link-button:hover { text-decoration: underline; }
  .skip-link { position: absolute; left: 0.5rem; top: -3rem; z-index: 10; padding: 0.4rem 0.8rem; background: var(--surface); border: 1px solid var(--accent); border-radius: 6px; }
  .skip-link:focus { top: 0.5rem; }
  main:focus { outline: none; }
  @media (max-width: 600px) { .topbar, main { padding-left: 1rem; padding-right: 1rem; } }
`;

/**
 * "Sign out" as components/sign-out-button.tsx does it (next-auth's signOut): its CSRF token from
 * GET /api/auth/csrf, then POST /api/auth/signout, then the sign-in page that says so. A script
 * with the page's nonce: the host route's CSP allows no form target ('form-action').
 */
const SIGN_OUT_SCRIPT = `
  document.getElementById('sign-out')?.addEventListener('click', async () => {
    const callbackUrl = '/login?notice=signed-out';
    try {
      const { csrfToken } = await (await fetch('/api/auth/csrf', { credentials: 'same-origin' })).json();
      await fetch('/api/auth/signout', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrfToken, callbackUrl, json: 'true' }),
      });
    } finally {
      window.location.href = callbackUrl;
    }
  });`;

const header = (user: HeaderUser | null | undefined, locale: Locale) => {
  const t = translatorFor(locale);
  const role = user?.role;
  const roleLabel = role === 'admin' || role === 'editor' || role === 'viewer' ? t(`roles.${role}`) : (role ?? '');
  const links = user
    ? [
        `<a href="/account" title="${escapeHtml(t('shell.accountTitle', { email: user.email }))}" data-testid="account-link">${escapeHtml(user.name)}</a>`,
        ...(user.role === 'admin'
          ? [
              `<a href="/admin/editors">${escapeHtml(t('shell.editors'))}</a>`,
              `<a href="/admin/audit">${escapeHtml(t('shell.auditLog'))}</a>`,
            ]
          : []),
        `<span class="badge" data-testid="user-role">${escapeHtml(roleLabel)}</span>`,
        `<button type="button" id="sign-out" class="link-button">${escapeHtml(t('shell.signOut'))}</button>`,
      ]
    : [`<a href="/login">${escapeHtml(t('shell.signIn'))}</a>`];

  return `<header class="topbar">
  <a href="/" class="brand">${escapeHtml(t('shell.brand'))}</a>
  <nav aria-label="${escapeHtml(t('shell.yourAccount'))}">${links.join(' ')}</nav>
</header>`;
};

/** A full HTML document: the portal's header, then the message inside `main`. */
export const renderPortalMessagePage = ({
  nonce,
  title,
  paragraphs,
  backUrl,
  backLabel,
  user,
  locale = DEFAULT_LOCALE,
}: PortalMessagePage) =>
  `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(title)} · ${escapeHtml(translatorFor(locale)('app.title'))}</title>
<style nonce="${escapeHtml(nonce)}">${STYLE}</style>
</head>
<body>
<a href="#main" class="skip-link">${escapeHtml(translatorFor(locale)('shell.skipToContent'))}</a>
${header(user, locale)}
<main id="main" tabindex="-1">
<section class="panel" aria-labelledby="error-title" data-testid="host-message">
  <h1 id="error-title">${escapeHtml(title)}</h1>
  ${paragraphs.map((p) => `<p>${p}</p>`).join('\n  ')}
  <p><a href="${escapeHtml(backUrl)}" data-testid="error-back">← ${escapeHtml(backLabel ?? translatorFor(locale)('errors.backToDocuments'))}</a></p>
</section>
</main>
${user ? `<script nonce="${escapeHtml(nonce)}">${SIGN_OUT_SCRIPT}</script>` : ''}
</body>
</html>`;

/**
 * What the "no editor is configured" page says: end users are asked to tell an administrator;
 * administrators see the setting and where to check it (trusted HTML paragraphs).
 */
export const noEditorParagraphs = (role: string | undefined, locale: Locale = DEFAULT_LOCALE): string[] => {
  const t = translatorFor(locale);
  const code = (chunks: string) => `<code>${chunks}</code>`;

  return role === 'admin'
    ? [
        escapeHtml(t('host.noClientsAdmin1')),
        t.markup('host.noClientsAdmin2', { code, editors: (chunks) => `<a href="/admin/editors">${chunks}</a>` }),
      ]
    : [escapeHtml(t('host.noClientsUser1')), escapeHtml(t('host.noClientsUser2'))];
};
