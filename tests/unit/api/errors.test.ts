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
      'serviceUnavailable("storage_down", …)',
      serviceUnavailable('storage_down', 'Later.'),
      503,
      'storage_down',
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
    expect(error.details).toEqual({ limit: 2 * 1024 ** 3 });
  });

  it('payloadTooLarge(1536) → message names "1.5 KB"', () => {
    expect(payloadTooLarge(1536).message).toContain('1.5 KB');
  });

  it('badRequest and conflict carry details; the others have none', () => {
    expect(badRequest('x', 'm', { field: 'name' }).details).toEqual({ field: 'name' });
    expect(conflict('x', 'm', { existingId: 'd1' }).details).toEqual({ existingId: 'd1' });
    expect(badRequest('x', 'm').details).toBeUndefined();
    expect(unauthorized().details).toBeUndefined();
    expect(notFound().details).toBeUndefined();
  });

  it('new ApiError keeps status, code, message and details', () => {
    const error = new ApiError(418, 'teapot', 'Short and stout.', { spout: true });
    expect(error).toMatchObject({ status: 418, code: 'teapot', message: 'Short and stout.', details: { spout: true } });
  });
});
