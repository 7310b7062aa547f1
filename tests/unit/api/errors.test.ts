import { describe, expect, it } from 'vitest';
import {
  ApiError,
  badRequest,
  conflict,
  forbidden,
  notFound,
  payloadTooLarge,
  serviceUnavailable,
  unauthorized,
} from '@/lib/api/errors';

describe('ApiError constructors', () => {
  it.each([
    ['badRequest("invalid_name", …)', badRequest('invalid_name', 'Bad name.'), 400, 'invalid_name', 'Bad name.'],
    ['unauthorized()', unauthorized(), 401, 'unauthorized', 'Sign in first.'],
    ['forbidden()', forbidden(), 403, 'forbidden', 'You do not have permission to do this.'],
    ['forbidden("Admins only.")', forbidden('Admins only.'), 403, 'forbidden', 'Admins only.'],
    ['notFound()', notFound(), 404, 'not_found', 'Not found.'],
    ['notFound("No such document.")', notFound('No such document.'), 404, 'not_found', 'No such document.'],
    ['conflict("name_conflict", …)', conflict('name_conflict', 'Exists.'), 409, 'name_conflict', 'Exists.'],
    [
      'serviceUnavailable("editor_unavailable", …)',
      serviceUnavailable('editor_unavailable', 'Later.'),
      503,
      'editor_unavailable',
      'Later.',
    ],
  ])('%s → %d %s', (_label, error, status, code, message) => {
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ status, code, message, name: 'ApiError' });
  });

  it('payloadTooLarge(2 GiB) → 413 too_large naming "2.0 GB", with the limit in details', () => {
    const error = payloadTooLarge(2 * 1024 ** 3);
    expect(error).toMatchObject({ status: 413, code: 'too_large' });
    expect(error.message).toBe('The file is larger than the limit of 2.0 GB.');
    expect(error.details).toEqual({ what: 'file', limit: 2 * 1024 ** 3 });
  });

  it('payloadTooLarge(1536) → message names "1.5 KB"', () => {
    expect(payloadTooLarge(1536).message).toContain('1.5 KB');
  });

  it('badRequest and conflict carry details; the others have none', () => {
    expect(badRequest('invalid_request', 'm', { field: 'name' }).details).toEqual({ field: 'name' });
    expect(conflict('name_conflict', 'm', { suggestion: 'd1' }).details).toEqual({ suggestion: 'd1' });
    expect(notFound('m', { what: 'user' }).details).toEqual({ what: 'user' });
    expect(badRequest('invalid_request', 'm').details).toBeUndefined();
    expect(unauthorized().details).toBeUndefined();
    expect(notFound().details).toBeUndefined();
  });

  it('new ApiError keeps status, code, message and details', () => {
    const error = new ApiError(418, 'internal', 'Short and stout.', { requestId: 'r1' });
    expect(error).toMatchObject({
      status: 418,
      code: 'internal',
      message: 'Short and stout.',
      details: { requestId: 'r1' },
    });
  });
});
