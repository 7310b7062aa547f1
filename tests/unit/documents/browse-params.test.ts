import { describe, expect, it } from 'vitest';
import { browseHref, parseBrowseParams, type BrowseParams } from '@/lib/documents/browse-params';

const DEFAULTS: BrowseParams = { folder: '', sort: 'name', dir: 'asc', q: '', page: 1 };

/** Parses the query string of a browseHref result the way Next hands searchParams to a page. */
const parseHref = (href: string) => {
  const search = new URL(href, 'http://portal.test').searchParams;

  return parseBrowseParams(Object.fromEntries(search.entries()));
};

describe('parseBrowseParams', () => {
  it('parseBrowseParams({}) → defaults', () => {
    expect(parseBrowseParams({})).toEqual(DEFAULTS);
  });

  it('parseBrowseParams: every valid value is kept', () => {
    expect(parseBrowseParams({ folder: 'a/b', sort: 'size', dir: 'desc', q: 'report', page: '3' })).toEqual({
      folder: 'a/b',
      sort: 'size',
      dir: 'desc',
      q: 'report',
      page: 3,
    });
  });

  it.each([['name'], ['modified'], ['size']] as const)('parseBrowseParams: sort=%j → kept', (sort) => {
    expect(parseBrowseParams({ sort }).sort).toBe(sort);
  });

  it.each([['bogus'], ['NAME'], [''], [['size', 'name']]])('parseBrowseParams: sort=%j → "name"', (sort) => {
    expect(parseBrowseParams({ sort }).sort).toBe('name');
  });

  it.each([['up'], ['DESC'], [''], [['desc', 'asc']]])('parseBrowseParams: dir=%j → "asc"', (dir) => {
    expect(parseBrowseParams({ dir }).dir).toBe('asc');
  });

  it.each([
    ['1', 1],
    ['2', 2],
    ['100000', 100_000],
    ['100001', 1],
    ['0', 1],
    ['-3', 1],
    ['2.5', 1],
    ['abc', 1],
    ['', 1],
    ['Infinity', 1],
    [['2', '3'], 1],
  ])('parseBrowseParams: page=%j → %d', (page, expected) => {
    expect(parseBrowseParams({ page }).page).toBe(expected);
  });

  it.each([
    ['folder', { folder: ['a', 'b'] }],
    ['q', { q: ['x', 'y'] }],
  ])('parseBrowseParams: repeated %s (an array) → ignored', (_key, raw) => {
    expect(parseBrowseParams(raw)).toEqual(DEFAULTS);
  });

  it('parseBrowseParams: q of 200 characters → kept', () => {
    expect(parseBrowseParams({ q: 'x'.repeat(200) }).q).toBe('x'.repeat(200));
  });

  it('parseBrowseParams: q longer than 200 characters → ""', () => {
    expect(parseBrowseParams({ q: 'x'.repeat(201) }).q).toBe('');
  });

  it('parseBrowseParams: folder is passed through as given (parseFolder validates it later)', () => {
    expect(parseBrowseParams({ folder: '/a//b/' }).folder).toBe('/a//b/');
  });

  it('parseBrowseParams: one bad parameter does not reset the others', () => {
    expect(parseBrowseParams({ folder: 'x', sort: 'bogus', dir: 'desc', page: 'nope' })).toEqual({
      ...DEFAULTS,
      folder: 'x',
      dir: 'desc',
    });
  });

  it('parseBrowseParams: unknown parameters are ignored', () => {
    expect(parseBrowseParams({ notice: 'admin-only' })).toEqual(DEFAULTS);
  });
});

describe('browseHref', () => {
  it('browseHref({}) → "/"', () => {
    expect(browseHref({})).toBe('/');
  });

  it('browseHref(defaults) → "/" (defaults are omitted)', () => {
    expect(browseHref(DEFAULTS)).toBe('/');
  });

  it('browseHref: only non-default parameters appear', () => {
    expect(browseHref({ ...DEFAULTS, sort: 'size' })).toBe('/?sort=size');
    expect(browseHref({ ...DEFAULTS, dir: 'desc' })).toBe('/?dir=desc');
    expect(browseHref({ ...DEFAULTS, page: 2 })).toBe('/?page=2');
    expect(browseHref({ ...DEFAULTS, q: 'plan' })).toBe('/?q=plan');
    expect(browseHref({ ...DEFAULTS, folder: 'a' })).toBe('/?folder=a');
  });

  it('browseHref: parameters come in the order folder, q, sort, dir, page', () => {
    expect(browseHref({ page: 4, dir: 'desc', sort: 'modified', q: 'x', folder: 'f' })).toBe(
      '/?folder=f&q=x&sort=modified&dir=desc&page=4',
    );
  });

  it('browseHref: folder with spaces, slashes and unicode is encoded', () => {
    expect(browseHref({ folder: 'My Docs/Résumé' })).toBe('/?folder=My+Docs%2FR%C3%A9sum%C3%A9');
  });

  it('browseHref: "&", "=", "#" and "+" in q are encoded', () => {
    expect(browseHref({ q: 'a&b=c#d+e' })).toBe('/?q=a%26b%3Dc%23d%2Be');
  });

  it.each<BrowseParams>([
    DEFAULTS,
    { folder: 'My Docs/Résumé', sort: 'modified', dir: 'desc', q: 'Q3 & Q4 #2 + 1', page: 7 },
    { folder: '日本/資料 2024', sort: 'size', dir: 'asc', q: '100%', page: 1 },
    { folder: '', sort: 'name', dir: 'desc', q: '', page: 100_000 },
  ])('parseBrowseParams(browseHref(%j)) round-trips', (params) => {
    expect(parseHref(browseHref(params))).toEqual(params);
  });
});
