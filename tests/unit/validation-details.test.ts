import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { localizedErrorMessage } from '@/lib/api/localized-error';
import { jsonTypeOf, REPORT_INPUT, validationDetails } from '@/lib/validation-details';

// A zod refusal's first issue as API details: a field that is absent is `required`, one sent
// with the wrong type is `type` (with the type asked for and the JSON type sent), never the other
// way round; the English problem says which.

const schema = z.object({
  name: z.string({ message: 'is required' }),
  count: z.number().optional(),
  whole: z.int().optional(),
  flag: z.boolean().optional(),
  list: z.array(z.string()).optional(),
  nested: z.object({ inner: z.string() }).optional(),
});

const refusal = (input: unknown, options?: { withPath?: boolean }) => {
  const parsed = schema.safeParse(input, REPORT_INPUT);
  if (parsed.success) throw new Error('expected a refusal');

  return validationDetails(parsed.error, options);
};

describe('validationDetails', () => {
  it('{} → name required (absent), the schema’s wording', () => {
    expect(refusal({}, { withPath: true })).toEqual({ field: 'name', rule: 'required', problem: 'name: is required' });
  });

  it('{"name":123} → type: expected string, received number; the English says so, not "is required"', () => {
    expect(refusal({ name: 123 }, { withPath: true })).toEqual({
      field: 'name',
      rule: 'type',
      expected: 'string',
      received: 'number',
      problem: 'name: must be a string, not a number.',
    });
    expect(refusal({ name: 123 }).problem).toBe('name must be a string, not a number.');
  });

  it.each([
    [{ name: null }, 'name', 'string', 'null'],
    [{ name: ['a'] }, 'name', 'string', 'array'],
    [{ name: 'x', count: '1' }, 'count', 'number', 'string'],
    [{ name: 'x', whole: 1.5 }, 'whole', 'int', 'number'],
    [{ name: 'x', whole: true }, 'whole', 'number', 'boolean'],
    [{ name: 'x', flag: 'yes' }, 'flag', 'boolean', 'string'],
    [{ name: 'x', list: {} }, 'list', 'array', 'object'],
    [{ name: 'x', nested: { inner: 1 } }, 'nested.inner', 'string', 'number'],
  ])('%j → type on %s: expected %s, received %s', (input, field, expected, received) => {
    expect(refusal(input)).toMatchObject({ field, rule: 'type', expected, received });
  });

  it('a body that is not an object → field "body", type, expected object', () => {
    expect(refusal([1])).toMatchObject({ field: 'body', rule: 'type', expected: 'object', received: 'array' });
    expect(refusal('text', { withPath: true }).problem).toBe('body: must be an object, not a string.');
  });

  it('a missing nested field is required', () => {
    expect(refusal({ name: 'x', nested: {} })).toMatchObject({ field: 'nested.inner', rule: 'required' });
  });

  it('every issue is in the English problem, the first one is the details', () => {
    expect(refusal({ count: 'x' }, { withPath: true })).toMatchObject({
      field: 'name',
      rule: 'required',
      problem: 'name: is required count: must be a number, not a string.',
    });
  });

  it('parsed without REPORT_INPUT the refused values are unknown: invalid_type stays required', () => {
    const parsed = schema.safeParse({ name: 123 });
    expect(validationDetails(parsed.error!)).toMatchObject({ field: 'name', rule: 'required' });
  });

  it('German and French name the field, what was asked for and what was sent; required says missing', () => {
    const type = { ...refusal({ name: 123 }) };
    expect(localizedErrorMessage('de', 'invalid_request', type, type.problem)).toBe(
      'Name: Text erwartet, nicht eine Zahl.',
    );
    expect(localizedErrorMessage('fr', 'invalid_request', type, type.problem)).toBe(
      'Nom : du texte attendu, pas un nombre.',
    );
    expect(localizedErrorMessage('en', 'invalid_request', type, type.problem)).toBe(
      'name must be a string, not a number.',
    );
    const required = { ...refusal({}) };
    expect(localizedErrorMessage('de', 'invalid_user', required, required.problem)).toBe('Diese Angabe fehlt: Name.');
    expect(localizedErrorMessage('fr', 'invalid_user', required, required.problem)).toBe('Cette valeur manque : Nom.');
  });
});

describe('jsonTypeOf', () => {
  it.each([
    ['s', 'string'],
    [1, 'number'],
    [false, 'boolean'],
    [null, 'null'],
    [[], 'array'],
    [{}, 'object'],
  ])('%j → %s', (value, type) => {
    expect(jsonTypeOf(value)).toBe(type);
  });
});
