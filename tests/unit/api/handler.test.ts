import { afterAll, describe, expect, it, vi } from 'vitest';
import { ApiError, badRequest, conflict, notFound, payloadTooLarge, unauthorized } from '@/lib/api/errors';
import { conflictError, invalidInput, notFoundError, notPermittedError, tooLargeError } from '@/lib/errors';
import { setRuntimeEnv } from '@/lib/env';
import type { ErrorCode } from '@/lib/error-codes';

// lib/log creates its pino logger on import: silence it before handler.ts pulls it in.
const previousLogLevel = process.env.LOG_LEVEL;
setRuntimeEnv({ LOG_LEVEL: 'silent' });
const { jsonError, toApiResponse } = await import('@/lib/api/handler');
const { log } = await import('@/lib/log');

afterAll(() => {
  setRuntimeEnv({ LOG_LEVEL: previousLogLevel });
});

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;
const request = (url = 'http://portal.test/api/admin/documents?folder=a', method = 'POST') =>
  new Request(url, { method });

describe('jsonError', () => {
  it.each([
    [badRequest('invalid_name', 'The name is empty.', { rule: 'empty' }), 400],
    [unauthorized(), 401],
    [notFound(), 404],
    [conflict('name_conflict', 'Too many documents named like "a".', { what: 'too_many_documents', name: 'a' }), 409],
  ])('jsonError(%o) → its status and { error: { code, message } }', async (error, status) => {
    const response = jsonError(error);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ error: { code: error.code, message: error.message, ...error.details } });
  });

  it('jsonError: details are spread into the error object', async () => {
    const response = jsonError(
      conflict('name_conflict', 'A document named "a" already exists in this folder.', {
        what: 'document_here',
        name: 'a',
        suggestion: 'a (1)',
      }),
    );
    expect(await response.json()).toEqual({
      error: {
        code: 'name_conflict',
        message: 'A document named "a" already exists in this folder.',
        what: 'document_here',
        name: 'a',
        suggestion: 'a (1)',
      },
    });
  });

  it('jsonError(error, "de"): the message in German from the details, the same code and details', async () => {
    const response = jsonError(
      conflict('name_conflict', 'A document named "a" already exists in this folder.', {
        what: 'document_here',
        name: 'a',
        suggestion: 'a (1)',
      }),
      'de',
    );
    expect(await response.json()).toEqual({
      error: {
        code: 'name_conflict',
        message: 'Ein Dokument namens „a“ gibt es in diesem Ordner schon.',
        what: 'document_here',
        name: 'a',
        suggestion: 'a (1)',
      },
    });
  });

  it('jsonError(payloadTooLarge(1024)) → 413 with the limit', async () => {
    const response = jsonError(payloadTooLarge(1024));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: { code: 'too_large', message: 'The file is larger than the limit of 1.0 KB.', what: 'file', limit: 1024 },
    });
  });
});

describe('toApiResponse', () => {
  it.each([
    [invalidInput('invalid_name', 'The name is empty.', { rule: 'empty' }), 400, 'invalid_name'],
    [notPermittedError('Viewers cannot change documents or folders.', { what: 'viewer_change' }), 403, 'forbidden'],
    [notFoundError('No document x.', { what: 'document', id: 'x' }), 404, 'not_found'],
    [
      conflictError('name_conflict', 'A document named "a.docx" already exists in this folder.', {
        what: 'document_here',
        name: 'a.docx',
        suggestion: 'a (1).docx',
      }),
      409,
      'name_conflict',
    ],
    [tooLargeError(1024), 413, 'too_large'],
  ] as const)('DomainError %o → %i with its code, message and details', async (error, status, code) => {
    const response = toApiResponse(error, request());
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error: { code, message: error.message, ...(error.details ?? {}) } });
  });

  it('ApiError → its status and JSON body', async () => {
    const details = { rule: 'char', char: '":"', segment: 'a:b' };
    const response = toApiResponse(
      badRequest('invalid_folder', 'Folder "a:b": The name must not contain ":".', details),
      request(),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: 'invalid_folder', message: 'Folder "a:b": The name must not contain ":".', ...details },
    });
  });

  it('Accept-Language: fr-FR → the message in French; a saved choice (de) beats the header', async () => {
    const error = notFoundError('No document x.', { what: 'document', id: 'x' });
    const french = new Request('http://portal.test/api/x', { headers: { 'accept-language': 'fr-FR,fr;q=0.9' } });
    expect(((await toApiResponse(error, french).json()) as { error: { message: string } }).error.message).toBe(
      'Aucun document x.',
    );
    const saved = await toApiResponse(error, french, { locale: 'de' }).json();
    expect((saved as { error: { message: string } }).error.message).toBe('Kein Dokument x.');
  });

  it('new ApiError(418, "teapot", …) (a code without messages) → 418 and its English message', async () => {
    const response = toApiResponse(new ApiError(418, 'teapot' as ErrorCode, 'No coffee.'), request());
    expect(response.status).toBe(418);
    expect(await response.json()).toEqual({ error: { code: 'teapot', message: 'No coffee.' } });
  });

  it('plain Error → 500 internal with a request id, without the original message', async () => {
    const secret = 'connect ECONNREFUSED 10.0.0.7:5432 password=hunter2';
    const response = toApiResponse(new Error(secret), request());
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('ECONNREFUSED');
    expect(text).not.toContain('hunter2');
    const body = JSON.parse(text) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('internal');
    expect(body.error.message).toMatch(new RegExp(`^Something went wrong \\(request ${UUID.source}\\)\\.$`));
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message']);
  });

  it('plain Error → the stack trace is not in the body', async () => {
    const error = new Error('boom');
    const text = await toApiResponse(error, request()).text();
    expect(text).not.toContain('boom');
    expect(text).not.toContain('at ');
  });

  it.each([
    ['a string', 'db password wrong'],
    ['null', null],
    ['undefined', undefined],
    ['an object with status and code', { status: 404, code: 'not_found', message: 'leaky' }],
  ])('throwing %s → 500 internal', async (_label, thrown) => {
    const response = toApiResponse(thrown, request());
    expect(response.status).toBe(500);
    const body = await response.json();
    expect(body.error.code).toBe('internal');
    expect(JSON.stringify(body)).not.toContain('leaky');
    expect(JSON.stringify(body)).not.toContain('password');
  });

  it('each 500 gets a fresh request id', async () => {
    const idOf = async () => {
      const body = await toApiResponse(new Error('x'), request()).json();

      return UUID.exec(body.error.message)?.[0];
    };
    const [first, second] = [await idOf(), await idOf()];
    expect(first).toMatch(UUID);
    expect(second).toMatch(UUID);
    expect(first).not.toBe(second);
  });

  it('plain Error → logged with the same request id, method and path (not the query)', async () => {
    const spy = vi.spyOn(log, 'error').mockImplementation(() => undefined);
    try {
      const error = new Error('boom');
      const response = toApiResponse(error, request('http://portal.test/api/admin/documents?access_token=t', 'PUT'));
      const body = await response.json();
      const requestId = UUID.exec(body.error.message)?.[0];
      expect(spy).toHaveBeenCalledTimes(1);
      expect(spy).toHaveBeenCalledWith(
        { err: error, requestId, method: 'PUT', path: '/api/admin/documents' },
        'unhandled API error',
      );
    } finally {
      spy.mockRestore();
    }
  });

  it('ApiError → not logged', () => {
    const spy = vi.spyOn(log, 'error').mockImplementation(() => undefined);
    try {
      toApiResponse(notFound(), request());
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});
