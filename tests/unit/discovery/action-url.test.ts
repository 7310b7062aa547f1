import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildActionUrl } from '@/lib/discovery/action-url';
import { findAction, parseDiscovery, type Discovery } from '@/lib/discovery/parse';

const WOPI_SRC = 'https://portal.example/wopi/files/12345678-1234-4234-8234-123456789abc';
const ENCODED_WOPI_SRC = encodeURIComponent(WOPI_SRC);

const urlsrcOf = (fixtureName: string, ext: string, name: string) => {
  const discovery: Discovery = parseDiscovery(
    readFileSync(new URL(`../../fixtures/${fixtureName}`, import.meta.url), 'utf8'),
  );
  const zone = discovery.zones.at(-1)!;
  const action = findAction(zone, { ext, names: [name] });
  if (!action) throw new Error(`no ${name} action for ${ext}`);

  return action.urlsrc;
};

const queryOf = (url: string) => [...new URL(url).searchParams.entries()];

/** No markup, no empty query segments, no dangling separators. */
const expectClean = (url: string) => {
  expect(url).not.toMatch(/[<>]/);
  expect(url).not.toMatch(/\?&|&&|[?&]$/);
};

describe('buildActionUrl', () => {
  it('fills set placeholders as name=value& and URL-encodes the value', () => {
    const url = buildActionUrl({
      urlsrc: 'https://editor.example/edit?<ui=UI_LLCC&><sc=SESSION_CONTEXT&>',
      wopiSrc: WOPI_SRC,
      values: { UI_LLCC: 'de-DE', SESSION_CONTEXT: 'a b&c=d' },
    });
    expect(url).toBe(`https://editor.example/edit?ui=de-DE&sc=a%20b%26c%3Dd&WOPISrc=${ENCODED_WOPI_SRC}`);
  });

  it('drops whole segments whose placeholder has no value (undefined or empty)', () => {
    const url = buildActionUrl({
      urlsrc: 'https://editor.example/edit?<ui=UI_LLCC&><rs=DC_LLCC&><dchat=DISABLE_CHAT&>',
      wopiSrc: WOPI_SRC,
      values: { UI_LLCC: 'en-US', DC_LLCC: '' },
    });
    expect(url).toBe(`https://editor.example/edit?ui=en-US&WOPISrc=${ENCODED_WOPI_SRC}`);
  });

  it('Microsoft Word view: all placeholders, WOPISrc appended once and encoded', () => {
    const url = buildActionUrl({
      urlsrc: urlsrcOf('discovery-office.xml', 'docx', 'view'),
      wopiSrc: WOPI_SRC,
      values: {
        UI_LLCC: 'fr-FR',
        DC_LLCC: 'fr-FR',
        DISABLE_CHAT: '1',
        HOST_SESSION_ID: 'session-1',
        SESSION_CONTEXT: 'ctx',
        PERFSTATS: '1',
        BUSINESS_USER: '1',
      },
    });
    expectClean(url);
    expect(url.startsWith('https://FFC-word-view.officeapps.live.com/wv/wordviewerframe.aspx?')).toBe(true);
    expect(queryOf(url)).toEqual([
      ['ui', 'fr-FR'],
      ['rs', 'fr-FR'],
      ['dchat', '1'],
      ['hid', 'session-1'],
      ['sc', 'ctx'],
      ['showpagestats', '1'],
      ['IsLicensedUser', '1'],
      ['WOPISrc', WOPI_SRC],
    ]);
    expect(url.match(/wopisrc=/gi)).toHaveLength(1);
    expect(url).toContain(`WOPISrc=${ENCODED_WOPI_SRC}`);
  });

  it('Microsoft template keeps its fixed parameters (edit=1) and drops unknown placeholders', () => {
    const url = buildActionUrl({
      urlsrc: urlsrcOf('discovery-office.xml', 'xlsx', 'edit'),
      wopiSrc: WOPI_SRC,
      values: { UI_LLCC: 'en-US' },
    });
    expectClean(url);
    expect(queryOf(url)).toEqual([
      ['edit', '1'],
      ['ui', 'en-US'],
      ['WOPISrc', WOPI_SRC],
    ]);
  });

  it('Microsoft WopiTest: the last placeholder has no trailing & (VALIDATOR_TEST_CATEGORY)', () => {
    const urlsrc = urlsrcOf('discovery-office.xml', 'wopitest', 'getinfo');
    const filled = buildActionUrl({ urlsrc, wopiSrc: WOPI_SRC, values: { VALIDATOR_TEST_CATEGORY: 'OfficeOnline' } });
    expectClean(filled);
    expect(queryOf(filled)).toEqual([
      ['testcategory', 'OfficeOnline'],
      ['WOPISrc', WOPI_SRC],
    ]);
    const dropped = buildActionUrl({ urlsrc, wopiSrc: WOPI_SRC, values: {} });
    expect(dropped).toBe(`https://onenote.officeapps.live.com/hosted/GetInfo.ashx?WOPISrc=${ENCODED_WOPI_SRC}`);
  });

  it('ONLYOFFICE: fills its own wopisrc placeholder from wopiSrc and adds no second WOPISrc', () => {
    const url = buildActionUrl({
      urlsrc: urlsrcOf('discovery-onlyoffice.xml', 'docx', 'edit'),
      wopiSrc: WOPI_SRC,
      values: { UI_LLCC: 'de-DE', DC_LLCC: 'de-DE', THEME_ID: '2', EMBEDDED: undefined },
    });
    expectClean(url);
    expect(url).toBe(`http://localhost/hosting/wopi/word/edit?rs=de-DE&thm=2&ui=de-DE&wopisrc=${ENCODED_WOPI_SRC}`);
  });

  it('ONLYOFFICE: an explicit WOPI_SOURCE value wins over wopiSrc', () => {
    const url = buildActionUrl({
      urlsrc: urlsrcOf('discovery-onlyoffice.xml', 'docx', 'view'),
      wopiSrc: WOPI_SRC,
      values: { WOPI_SOURCE: 'http://portal:3000/wopi/files/1' },
    });
    expect(url).toBe(
      `http://localhost/hosting/wopi/word/view?wopisrc=${encodeURIComponent('http://portal:3000/wopi/files/1')}`,
    );
  });

  it('ONLYOFFICE embedview: keeps embed=1 and fills EMBEDDED, FULLSCREEN, RECORDING, HOST_SESSION_ID', () => {
    const url = buildActionUrl({
      urlsrc: urlsrcOf('discovery-onlyoffice.xml', 'pptx', 'embedview'),
      wopiSrc: WOPI_SRC,
      values: { EMBEDDED: 'true', FULLSCREEN: '1', RECORDING: '1', HOST_SESSION_ID: 'h1', DISABLE_CHAT: '1' },
    });
    expectClean(url);
    expect(queryOf(url)).toEqual([
      ['embed', '1'],
      ['dchat', '1'],
      ['embed', 'true'],
      ['fs', '1'],
      ['hid', 'h1'],
      ['rec', '1'],
      ['wopisrc', WOPI_SRC],
    ]);
  });

  it("Collabora's bare cool.html? → cool.html?WOPISrc=…", () => {
    const url = buildActionUrl({
      urlsrc: urlsrcOf('discovery-collabora.xml', 'docx', 'edit'),
      wopiSrc: WOPI_SRC,
      values: { UI_LLCC: 'en-US' },
    });
    expect(url).toBe(`http://localhost:9980/browser/abc123/cool.html?WOPISrc=${ENCODED_WOPI_SRC}`);
  });

  it('a urlsrc without ? gets one', () => {
    expect(buildActionUrl({ urlsrc: 'http://x/hosting/capabilities', wopiSrc: WOPI_SRC, values: {} })).toBe(
      `http://x/hosting/capabilities?WOPISrc=${ENCODED_WOPI_SRC}`,
    );
  });

  it('a literal WOPISrc already in the template is not added again', () => {
    const url = buildActionUrl({ urlsrc: 'http://x/edit?WOPISrc=abc&', wopiSrc: WOPI_SRC, values: {} });
    expect(url).toBe('http://x/edit?WOPISrc=abc');
  });

  it('stray markup from a malformed template never reaches the URL', () => {
    const url = buildActionUrl({ urlsrc: 'http://x/edit?<broken>&a=1&<ui=UI_LLCC&>>', wopiSrc: WOPI_SRC, values: {} });
    expectClean(url);
    expect(url).toBe(`http://x/edit?a=1&WOPISrc=${ENCODED_WOPI_SRC}`);
  });

  it('collapses doubled separators from the template itself', () => {
    const url = buildActionUrl({ urlsrc: 'http://x/edit?&&a=1&&&<ui=UI_LLCC&>&', wopiSrc: WOPI_SRC, values: {} });
    expect(url).toBe(`http://x/edit?a=1&WOPISrc=${ENCODED_WOPI_SRC}`);
  });
});
