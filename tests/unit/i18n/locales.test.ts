import { describe, expect, it } from 'vitest';
import { buildActionUrl } from '@/lib/discovery/action-url';
import { EDITOR_LOCALES, localeFromAcceptLanguage, localeOfRequest, resolveLocale } from '@/lib/i18n/locales';

describe('localeFromAcceptLanguage', () => {
  it.each([
    ['de-DE,de;q=0.9,en;q=0.8', 'de'],
    ['fr-CH, fr;q=0.9', 'fr'],
    ['es-ES,es;q=0.9,fr;q=0.8,de;q=0.7', 'fr'],
    ['en;q=0.5,de;q=0.8', 'de'],
    ['DE', 'de'],
    ['de;q=0,fr', 'fr'],
    ['es,it', null],
    ['', null],
    ['*', null],
  ])('%s → %s', (header, expected) => {
    expect(localeFromAcceptLanguage(header)).toBe(expected);
  });
});

describe('resolveLocale', () => {
  it('the saved choice first, then the cookie, then Accept-Language, then English', () => {
    expect(resolveLocale({ saved: 'fr', cookie: 'de', acceptLanguage: 'en' })).toBe('fr');
    expect(resolveLocale({ saved: null, cookie: 'de', acceptLanguage: 'fr' })).toBe('de');
    expect(resolveLocale({ saved: null, cookie: undefined, acceptLanguage: 'fr-FR,fr' })).toBe('fr');
    expect(resolveLocale({})).toBe('en');
  });

  it('ignores what is not a portal language (an old or forged value)', () => {
    expect(resolveLocale({ saved: 'xx', cookie: '__proto__', acceptLanguage: 'de' })).toBe('de');
    expect(resolveLocale({ saved: 'toString', cookie: 'es', acceptLanguage: 'it' })).toBe('en');
  });

  it('localeOfRequest reads the locale cookie and Accept-Language of a raw request', () => {
    const request = (headers: Record<string, string>) => new Request('http://x/', { headers });
    expect(localeOfRequest(request({ cookie: 'tz=UTC; locale=fr', 'accept-language': 'de' }), null)).toBe('fr');
    expect(localeOfRequest(request({ 'accept-language': 'de-AT' }), { locale: null })).toBe('de');
    expect(localeOfRequest(request({ 'accept-language': 'de-AT' }), { locale: 'en' })).toBe('en');
  });
});

describe('the editor language (UI_LLCC / DC_LLCC)', () => {
  it('is the portal language as ll-CC, filled into the discovery placeholders', () => {
    expect(EDITOR_LOCALES).toEqual({ en: 'en-US', de: 'de-DE', fr: 'fr-FR' });
    const url = buildActionUrl({
      urlsrc: 'http://editor/edit?<ui=UI_LLCC&><rs=DC_LLCC&><dchat=DISABLE_CHAT&>',
      wopiSrc: 'http://host/wopi/files/1',
      values: { UI_LLCC: EDITOR_LOCALES.de, DC_LLCC: EDITOR_LOCALES.de },
    });
    expect(url).toBe('http://editor/edit?ui=de-DE&rs=de-DE&WOPISrc=http%3A%2F%2Fhost%2Fwopi%2Ffiles%2F1');
  });
});
