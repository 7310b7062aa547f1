import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDiscovery } from '@/lib/discovery/parse';
import { editorProductOf } from '@/lib/discovery/product';

const fixture = (name: string) =>
  parseDiscovery(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8'))
    .zones.flatMap((zone) => zone.actions)
    // Collabora's and ONLYOFFICE's "getinfo" action points at /hosting/capabilities, not an editor.
    .filter((action) => !action.urlsrc.includes('/hosting/capabilities'))
    .map((action) => editorProductOf(action.urlsrc));

describe('editorProductOf (discovery urlsrc → the product that will call /wopi)', () => {
  it.each([
    ['discovery-collabora.xml', 'collabora'],
    ['discovery-onlyoffice.xml', 'onlyoffice'],
    ['discovery-office.xml', 'microsoft'],
  ])('every action of %s → %s', (file, product) => {
    const products = fixture(file);
    expect(products.length).toBeGreaterThan(0);
    expect(new Set(products)).toEqual(new Set([product]));
  });

  it.each([
    ['http://localhost:9980/loleaflet/1a2b/loleaflet.html?', 'collabora'],
    ['https://docs.example/hosting/wopi/cell/edit?', 'onlyoffice'],
    ['https://excel.officeapps.live.com/x/_layouts/xlviewerinternal.aspx?', 'microsoft'],
    ['https://editor.example/edit?', null],
    ['not a url', null],
  ])('%s → %s', (urlsrc, product) => {
    expect(editorProductOf(urlsrc)).toBe(product);
  });
});
