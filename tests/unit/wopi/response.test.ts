import { describe, expect, it } from 'vitest';
import { conflictError, invalidInput, notFoundError, notPermittedError, tooLargeError } from '@/lib/errors';
import { lockMismatch } from '@/lib/wopi/errors';
import { toFetchResponse, toWopiResponse as toReply } from '@/lib/wopi/response';

/** The reply as the fetch Response a client sees. */
const toWopiResponse = (...args: Parameters<typeof toReply>) => toFetchResponse(toReply(...args));

const logged: string[] = [];
const log = {
  info: () => {},
  warn: (_: object, msg: string) => void logged.push(`warn ${msg}`),
  error: (_: object, msg: string) => void logged.push(`error ${msg}`),
};

describe('toWopiResponse (the WOPI edge of every error)', () => {
  it.each([
    [invalidInput('invalid_name', 'The name is empty.'), 400],
    [notPermittedError('Viewers cannot.'), 401],
    [notFoundError('No document x.'), 404],
    [conflictError('name_conflict', 'Too many documents named like "a".'), 409],
    [tooLargeError(10), 413],
  ] as const)('DomainError %o → %i with an empty body (the message stays in the log)', async (error, status) => {
    const response = toWopiResponse(error, { log, requestId: 'r1' });
    expect(response.status).toBe(status);
    expect(await response.text()).toBe('');
  });

  it('a WopiError lock mismatch → 409 + X-WOPI-Lock', () => {
    const response = toWopiResponse(lockMismatch('L1', 'Locked'), { log, requestId: 'r2' });
    expect(response.status).toBe(409);
    expect(response.headers.get('X-WOPI-Lock')).toBe('L1');
  });

  it('any error while the client is gone (isClientGone: it closed the connection mid-request) → 499, no error or warning logged', () => {
    logged.length = 0;
    const aborted = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    expect(toReply(aborted, { log, requestId: 'r5', isClientGone: true }).status).toBe(499);
    expect(toReply(new Error('S3 said no'), { log, requestId: 'r6', isClientGone: true }).status).toBe(499);
    expect(logged).toEqual([]);
  });

  it('node:http\'s "aborted" error with the client still there (an S3 answer cut mid-body carries it too) → 500 logged as an error', () => {
    logged.length = 0;
    const aborted = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    expect(toReply(aborted, { log, requestId: 'r7' }).status).toBe(500);
    expect(logged).toEqual(['error WOPI request failed']);
  });

  it('anything else → 500 + X-WOPI-ServerError naming the request, logged as an error', async () => {
    logged.length = 0;
    const response = toWopiResponse(new Error('database said no'), { log, requestId: 'r3' });
    expect(response.status).toBe(500);
    expect(response.headers.get('X-WOPI-ServerError')).toBe('request r3');
    expect(await response.text()).toBe('');
    expect(logged).toEqual(['error WOPI request failed']);
  });
});
