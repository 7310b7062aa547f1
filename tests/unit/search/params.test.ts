import { describe, expect, it } from 'vitest';
import { DomainError } from '@/lib/errors';
import { extensionsOfType, isSearchKind } from '@/lib/search/kinds';
import { hasCriteria, parseSearchPageQuery, parseSearchQuery, searchHref } from '@/lib/search/params';

const ID = '0b5f7e1c-3a1d-4c2e-9f00-1234567890ab';

describe('parseSearchQuery', () => {
  it('trims, drops empty fields, normalises the query to NFC and the type and user to lower case', () => {
    const filter = parseSearchQuery(
      new URLSearchParams({ q: '  Re\u0301sume\u0301 ', type: '.PDF', modifiedBy: ID.toUpperCase(), from: '', to: '' }),
    );
    expect(filter).toEqual({
      q: 'Résumé',
      type: 'pdf',
      modifiedBy: ID,
      timeZone: 'UTC',
      sort: 'relevance',
      page: 1,
    });
  });

  it('sort: relevance by default with a query, by date without one (relevance needs a query)', () => {
    expect(parseSearchQuery({ q: 'a', sort: 'modified' }).sort).toBe('modified');
    expect(parseSearchQuery({ type: 'pdfs', sort: 'relevance' }).sort).toBe('modified');
    expect(parseSearchQuery({ q: 'a', sort: '' }).sort).toBe('relevance');
  });

  it('time zone: the query, else the cookie, else UTC; an unknown cookie zone is ignored', () => {
    expect(parseSearchQuery({ tz: 'Asia/Tokyo' }, { timeZone: 'Europe/Paris' }).timeZone).toBe('Asia/Tokyo');
    expect(parseSearchQuery({}, { timeZone: 'Europe/Paris' }).timeZone).toBe('Europe/Paris');
    expect(parseSearchQuery({}, { timeZone: 'bogus' }).timeZone).toBe('UTC');
  });

  it('?tz=Mars/Base (given, unknown) → invalid_search, rule time_zone on field tz, with the other problems', () => {
    let thrown: unknown;
    try {
      parseSearchQuery({ q: 'x', tz: 'Mars/Base', from: 'x' }, { timeZone: 'Europe/Paris' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect(thrown).toMatchObject({
      code: 'invalid_search',
      message: expect.stringMatching(/From: use a date as YYYY-MM-DD\..*Time zone: not a known time zone/),
    });
    expect(() => parseSearchQuery({ q: 'x', tz: 'Mars/Base' })).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ field: 'tz', rule: 'time_zone' }) }),
    );
  });

  it('GET /search?q=a&tz=Mars/Base → the problem shown with the cookie zone, not a throw', () => {
    expect(parseSearchPageQuery({ q: 'a', tz: 'Mars/Base' }, { timeZone: 'Europe/Paris' })).toMatchObject({
      filter: { timeZone: 'Europe/Paris' },
      problem: expect.stringContaining('Time zone: not a known time zone'),
    });
  });

  it('takes the first of repeated parameters', () => {
    expect(parseSearchQuery({ q: ['one', 'two'], page: ['3', '4'] })).toMatchObject({ q: 'one', page: 3 });
  });

  it.each([
    [{ q: 'x'.repeat(201) }, /Search: at most 200 characters/],
    [{ type: 'word processor' }, /Type: a kind/],
    [{ type: 'x'.repeat(16) }, /Type: a kind/],
    [{ modifiedBy: 'ann@example.com' }, /Modified by: a user id/],
    [{ from: '2026-13-01' }, /From: use a date as YYYY-MM-DD/],
    [{ from: '2026-03-02', to: '2026-03-01' }, /start date is after the end date/],
    [{ sort: 'name' }, /Sort: relevance or modified/],
    [{ page: '0' }, /Page: a number from 1 to 20/],
    [{ page: '21' }, /Page: a number from 1 to 20/],
    [{ page: '1.5' }, /Page: a number from 1 to 20/],
  ])('%j → DomainError invalid_search', (raw, message) => {
    let caught: unknown;
    try {
      parseSearchQuery(raw);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect(caught).toMatchObject({ kind: 'invalid', code: 'invalid_search', message: expect.stringMatching(message) });
  });

  it('several problems are named together', () => {
    expect(() => parseSearchQuery({ from: 'x', sort: 'y' })).toThrow(/From: .*Sort: /);
  });
});

describe('parseSearchPageQuery (what GET /search renders)', () => {
  it('GET /search?q=a&tz=<65 characters> → the problem shown with the cookie zone, not a throw (a 500)', () => {
    const result = parseSearchPageQuery({ q: 'a', tz: 'x'.repeat(65) }, { timeZone: 'Europe/Paris' });
    expect(result).toEqual({
      filter: { timeZone: 'Europe/Paris', sort: 'modified', page: 1 },
      problem: 'Time zone: at most 64 characters.',
    });
  });

  it('GET /search?from=x&tz=Asia/Tokyo → the problem, the address zone kept', () => {
    expect(parseSearchPageQuery({ from: 'x', tz: 'Asia/Tokyo' })).toMatchObject({
      filter: { timeZone: 'Asia/Tokyo' },
      problem: 'From: use a date as YYYY-MM-DD.',
    });
  });

  it('GET /search?q=a → the filter, no problem', () => {
    expect(parseSearchPageQuery({ q: 'a' })).toEqual({ filter: parseSearchQuery({ q: 'a' }) });
  });
});

describe('hasCriteria and searchHref', () => {
  it('a search with nothing to look for has no criteria', () => {
    expect(hasCriteria(parseSearchQuery({ tz: 'Europe/Paris' }))).toBe(false);
    expect(hasCriteria(parseSearchQuery({ to: '2026-01-01' }))).toBe(true);
  });

  it('round-trips the non-default fields; the time zone stays out of the address', () => {
    const filter = parseSearchQuery({ q: '50% off', type: 'pdfs', sort: 'modified', page: '3', tz: 'Europe/Paris' });
    expect(searchHref(filter)).toBe('/search?q=50%25+off&type=pdfs&sort=modified&page=3');
    expect(searchHref(filter, 1)).toBe('/search?q=50%25+off&type=pdfs&sort=modified');
    const href = new URL(searchHref(filter), 'http://x');
    expect(parseSearchQuery(href.searchParams, { timeZone: 'Europe/Paris' })).toEqual(filter);
    expect(searchHref(parseSearchQuery({}))).toBe('/search');
  });
});

describe('extensionsOfType', () => {
  it('a kind is its extensions; an extension is itself, with or without the dot, any case', () => {
    expect(extensionsOfType('spreadsheets')).toContain('xlsx');
    expect(extensionsOfType('PDFs')).toEqual(['pdf']);
    expect(extensionsOfType('.Docx')).toEqual(['docx']);
    expect(extensionsOfType('a.b')).toBeNull();
    expect(extensionsOfType('')).toBeNull();
  });

  it('Object.prototype names are no kinds: "constructor" is an extension, "__proto__" nothing', () => {
    expect(isSearchKind('constructor')).toBe(false);
    expect(extensionsOfType('constructor')).toEqual(['constructor']);
    expect(extensionsOfType('__proto__')).toBeNull();
  });
});
