import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findAction, parseDiscovery, selectZone, type Discovery, type DiscoveryZone } from '@/lib/discovery/parse';
import { publicKeyFromDiscovery } from '@/lib/discovery/proof-keys';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8');

const office = parseDiscovery(fixture('discovery-office.xml'));
const collabora = parseDiscovery(fixture('discovery-collabora.xml'));
const onlyoffice = parseDiscovery(fixture('discovery-onlyoffice.xml'));

const zone = (discovery: Discovery, name: string): DiscoveryZone => {
  const found = discovery.zones.find((z) => z.name === name);
  if (!found) throw new Error(`no zone ${name}`);

  return found;
};

const zones = (...names: string[]): Discovery => ({
  zones: names.map((name) => ({ name, actions: [], apps: [] })),
  proofKey: null,
});

describe('parseDiscovery: Microsoft 365 / Office Online Server', () => {
  const external = zone(office, 'external-https');

  it('lists every net-zone in document order', () => {
    expect(office.zones.map((z) => z.name)).toEqual(['internal-https', 'external-https']);
  });

  it('lists apps with their favicon', () => {
    expect(external.apps.map((app) => app.name)).toEqual(['Word', 'Excel', 'PowerPoint', 'WopiTest']);
    expect(external.apps[0]).toEqual({
      name: 'Word',
      favIconUrl: 'https://c1-word-view-15.cdn.office.net/wv/resources/1033/FavIcon_Word.ico',
    });
  });

  it('flattens actions with their app, default flag and requires list', () => {
    expect(external.actions).toHaveLength(11);
    const view = external.actions.find((a) => a.name === 'view' && a.ext === 'docx');
    expect(view).toMatchObject({ app: 'Word', isDefault: true, requires: [] });
    const edit = external.actions.find((a) => a.name === 'edit' && a.ext === 'docx');
    expect(edit).toMatchObject({ app: 'Word', isDefault: false, requires: ['locks', 'cobalt', 'update'] });
  });

  it('decodes XML entities in urlsrc (placeholders come out as <name=VALUE&>)', () => {
    const view = external.actions.find((a) => a.name === 'view' && a.ext === 'docx');
    expect(view?.urlsrc).toMatch(
      /^https:\/\/FFC-word-view\.officeapps\.live\.com\/wv\/wordviewerframe\.aspx\?<ui=UI_LLCC&>/,
    );
    expect(view?.urlsrc).not.toContain('&amp;');
  });

  it('keeps progid and newext on editnew, and leaves them out elsewhere', () => {
    const editnew = external.actions.find((a) => a.name === 'editnew');
    expect(editnew).toMatchObject({ progid: 'Word.Document.12', newext: 'docx' });
    const view = external.actions.find((a) => a.name === 'view' && a.ext === 'docx');
    expect(view).not.toHaveProperty('progid');
    expect(view).not.toHaveProperty('newext');
  });

  it('reads current and old proof keys, and they are 2048-bit RSA keys', () => {
    const key = office.proofKey;
    expect(key).not.toBeNull();
    expect(key).toMatchObject({
      exponent: 'AQAB',
      oldExponent: 'AQAB',
      value: expect.stringMatching(/^BgIAAACkAABSU0Ex/),
      oldValue: expect.stringMatching(/^BgIAAACkAABSU0Ex/),
    });
    expect(key!.oldModulus).not.toBe(key!.modulus);
    const current = publicKeyFromDiscovery(key!);
    const old = publicKeyFromDiscovery({ modulus: key!.oldModulus!, exponent: key!.oldExponent! });
    expect(current.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(old.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });
});

describe('parseDiscovery: Collabora CODE', () => {
  const external = zone(collabora, 'external-http');

  it('has one external-http zone with MIME-type apps and the writer/calc apps', () => {
    expect(collabora.zones.map((z) => z.name)).toEqual(['external-http']);
    expect(external.apps.map((app) => app.name)).toContain(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect(external.apps.find((app) => app.name === 'writer')?.favIconUrl).toBe(
      'http://localhost:9980/browser/abc123/images/x-office-document.svg',
    );
  });

  it('keeps actions with an empty ext (writer-style and Capabilities entries)', () => {
    expect(external.actions.filter((a) => a.ext === '').map((a) => a.app)).toEqual(['writer', 'calc', 'Capabilities']);
  });

  it('reads the proof key (Collabora repeats the current key as the old one)', () => {
    expect(collabora.proofKey?.modulus).toBeTruthy();
    expect(collabora.proofKey?.oldModulus).toBe(collabora.proofKey?.modulus);
  });
});

describe('parseDiscovery: ONLYOFFICE Docs', () => {
  const external = zone(onlyoffice, 'external-http');

  it('has Word, Excel and PowerPoint with view, embedview, editnew and edit for each extension', () => {
    expect(external.apps.map((app) => app.name).slice(0, 3)).toEqual(['Word', 'Excel', 'PowerPoint']);
    expect(external.actions.filter((a) => a.ext === 'xlsx').map((a) => a.name)).toEqual([
      'view',
      'embedview',
      'editnew',
      'edit',
    ]);
  });

  it('marks edit as the default and lists its requirements', () => {
    expect(external.actions.find((a) => a.name === 'edit' && a.ext === 'docx')).toMatchObject({
      app: 'Word',
      isDefault: true,
      requires: ['locks', 'update'],
      urlsrc: expect.stringMatching(
        /^http:\/\/localhost\/hosting\/wopi\/word\/edit\?&<rs=DC_LLCC&>.*<wopisrc=WOPI_SOURCE&>&$/,
      ),
    });
  });

  it('reads the proof key', () => {
    expect(onlyoffice.proofKey).toMatchObject({ exponent: 'AQAB', oldExponent: 'AQAB' });
  });
});

describe('parseDiscovery: edge cases', () => {
  it('a discovery without <proof-key> → proofKey null', () => {
    const discovery = parseDiscovery(
      '<wopi-discovery><net-zone name="external-http"><app name="Word"><action name="view" ext="docx" urlsrc="http://x/view?"/></app></net-zone></wopi-discovery>',
    );
    expect(discovery.proofKey).toBeNull();
    expect(discovery.zones[0]?.actions).toEqual([
      { app: 'Word', name: 'view', ext: 'docx', urlsrc: 'http://x/view?', requires: [], isDefault: false },
    ]);
  });

  it('a <proof-key> without modulus → proofKey null', () => {
    expect(parseDiscovery('<wopi-discovery><proof-key value="abc"/></wopi-discovery>').proofKey).toBeNull();
  });

  it('a single zone, app and action still come out as lists', () => {
    const discovery = parseDiscovery(
      '<wopi-discovery><net-zone name="a"><app name="b"><action name="edit" ext="odt" urlsrc="u"/></app></net-zone></wopi-discovery>',
    );
    expect(discovery.zones).toHaveLength(1);
    expect(discovery.zones[0]?.apps).toEqual([{ name: 'b' }]);
    expect(discovery.zones[0]?.actions).toHaveLength(1);
  });

  it('skips actions without a urlsrc (an unfilled template cannot be launched)', () => {
    const discovery = parseDiscovery(
      '<wopi-discovery><net-zone name="a"><app name="b"><action name="edit" ext="odt"/></app></net-zone></wopi-discovery>',
    );
    expect(discovery.zones[0]?.actions).toEqual([]);
  });

  it('an empty net-zone and a zone-less discovery parse to empty lists', () => {
    expect(parseDiscovery('<wopi-discovery><net-zone/></wopi-discovery>').zones).toEqual([
      { name: '', apps: [], actions: [] },
    ]);
    expect(parseDiscovery('<wopi-discovery/>')).toEqual({ zones: [], proofKey: null });
  });

  it('malformed XML → throws an Error naming the problem and the line', () => {
    expect(() => parseDiscovery('<wopi-discovery><net-zone></wopi-discovery>')).toThrow(
      /^WOPI discovery XML is malformed: .*\(line 1, column \d+\)$/,
    );
    expect(() => parseDiscovery('')).toThrow(/WOPI discovery XML is malformed/);
    expect(() => parseDiscovery('<html><body>502 Bad Gateway</body>')).toThrow(/WOPI discovery XML is malformed/);
  });

  it('well-formed XML with another root → throws', () => {
    expect(() => parseDiscovery('<html><body>Not Found</body></html>')).toThrow(/no <wopi-discovery> root/);
  });
});

describe('selectZone', () => {
  it('https public URL → external-https', () => {
    expect(selectZone(zones('internal-https', 'external-http', 'external-https'), 'https://docs.example')?.name).toBe(
      'external-https',
    );
  });

  it('http public URL → external-http', () => {
    expect(selectZone(zones('external-https', 'external-http'), 'http://localhost:3000')?.name).toBe('external-http');
  });

  it('no matching external zone → the internal zone of the same scheme, then any internal zone', () => {
    expect(selectZone(zones('external-http', 'internal-http', 'internal-https'), 'https://x')?.name).toBe(
      'internal-https',
    );
    expect(selectZone(zones('external-http', 'internal-http'), 'https://x')?.name).toBe('internal-http');
  });

  it('nothing matches → the first zone; no zones → null', () => {
    expect(selectZone(zones('external-http'), 'https://docs.example')?.name).toBe('external-http');
    expect(selectZone(zones(), 'https://docs.example')).toBeNull();
  });

  it('picks the right zone in the real fixtures', () => {
    expect(selectZone(office, 'https://portal.example')?.name).toBe('external-https');
    expect(selectZone(office, 'http://localhost:3000')?.name).toBe('internal-https');
    expect(selectZone(collabora, 'https://portal.example')?.name).toBe('external-http');
  });
});

describe('findAction', () => {
  const msZone = zone(office, 'external-https');
  const collaboraZone = zone(collabora, 'external-http');
  const onlyofficeZone = zone(onlyoffice, 'external-http');

  it('tries names in order: edit before view when both exist', () => {
    expect(findAction(msZone, { ext: 'docx', names: ['edit', 'view'] })?.name).toBe('edit');
    expect(findAction(msZone, { ext: 'docx', names: ['view', 'edit'] })?.name).toBe('view');
  });

  it('falls back to the next name when the first has no action for the extension', () => {
    expect(findAction(msZone, { ext: 'doc', names: ['edit', 'view'] })).toMatchObject({ name: 'view', ext: 'doc' });
    expect(findAction(collaboraZone, { ext: 'pdf', names: ['edit', 'view'] })).toMatchObject({ name: 'view' });
  });

  it('matches the extension case-insensitively, with or without a dot', () => {
    expect(findAction(msZone, { ext: 'DOCX', names: ['view'] })?.app).toBe('Word');
    expect(findAction(onlyofficeZone, { ext: '.Xlsx', names: ['edit'] })?.app).toBe('Excel');
  });

  it('finds Collabora actions by extension under their MIME-type app', () => {
    expect(findAction(collaboraZone, { ext: 'docx', names: ['edit', 'view'] })?.app).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
  });

  it('prefers the default action when several apps list the same name and extension', () => {
    expect(findAction(collaboraZone, { ext: 'rtf', names: ['edit'] })?.app).toBe('text/rtf');
  });

  it('never matches actions with an empty ext, nor an empty query', () => {
    expect(findAction(collaboraZone, { ext: '', names: ['edit', 'getinfo'] })).toBeNull();
  });

  it('unknown extension or action → null', () => {
    expect(findAction(msZone, { ext: 'odt', names: ['edit', 'view'] })).toBeNull();
    expect(findAction(msZone, { ext: 'docx', names: ['present'] })).toBeNull();
  });
});
