import { describe, expect, it } from 'vitest';
import { clientErrorResponse, isApiPath, methodNotAllowedAnswer } from '@/lib/server/api-errors';

// The JSON errors the front process answers itself: node:http's parser refusals (before any
// listener) and Next.js's bare 405 for a method an /api route does not export.

const parseRaw = (raw: string) => {
  const [head, body] = raw.split('\r\n\r\n') as [string, string];
  const [statusLine, ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(lines.map((line) => line.split(': ') as [string, string]));

  return { statusLine, headers, body };
};

describe('clientErrorResponse', () => {
  it.each([
    ['HPE_HEADER_OVERFLOW', 'HTTP/1.1 431 Request Header Fields Too Large', 'header_too_large'],
    ['HPE_INVALID_METHOD', 'HTTP/1.1 400 Bad Request', 'malformed_request'],
    ['ERR_HTTP_REQUEST_TIMEOUT', 'HTTP/1.1 408 Request Timeout', 'request_timeout'],
    ['HPE_CHUNK_EXTENSIONS_OVERFLOW', 'HTTP/1.1 413 Payload Too Large', 'too_large'],
    [undefined, 'HTTP/1.1 400 Bad Request', 'malformed_request'],
  ])('%s → %s, JSON %s, a complete response that closes the connection', (code, statusLine, errorCode) => {
    const raw = parseRaw(clientErrorResponse(code));
    expect(raw.statusLine).toBe(statusLine);
    expect(raw.headers).toMatchObject({ 'Content-Type': 'application/json', Connection: 'close' });
    expect(Number(raw.headers['Content-Length'])).toBe(Buffer.byteLength(raw.body));
    const { error } = JSON.parse(raw.body) as { error: { code: string; message: string } };
    expect(error.code).toBe(errorCode);
    expect(error.message.length).toBeGreaterThan(10);
  });

  it('the 431 says what is too large', () => {
    expect(JSON.parse(parseRaw(clientErrorResponse('HPE_HEADER_OVERFLOW')).body)).toEqual({
      error: { code: 'header_too_large', message: 'The request’s address or headers are too large.' },
    });
  });
});

describe('methodNotAllowedAnswer', () => {
  it('DELETE with Allow "GET, HEAD, OPTIONS" → 405, Allow, JSON method_not_allowed naming both', () => {
    const answer = methodNotAllowedAnswer({ method: 'DELETE', allow: 'GET, HEAD, OPTIONS', headers: {} });
    expect(answer.status).toBe(405);
    expect(answer.headers).toMatchObject({ Allow: 'GET, HEAD, OPTIONS', 'Content-Type': 'application/json' });
    expect(JSON.parse(answer.body)).toEqual({
      error: {
        code: 'method_not_allowed',
        method: 'DELETE',
        allow: 'GET, HEAD, OPTIONS',
        message: 'DELETE is not allowed here; use GET, HEAD, OPTIONS.',
      },
    });
  });

  it('in the language of the locale cookie, then Accept-Language', () => {
    const message = (headers: Record<string, string>) =>
      (
        JSON.parse(methodNotAllowedAnswer({ method: 'PUT', allow: 'POST, OPTIONS', headers }).body) as {
          error: { message: string };
        }
      ).error.message;
    expect(message({ 'accept-language': 'de-DE' })).toBe('PUT ist hier nicht erlaubt; erlaubt: POST, OPTIONS.');
    expect(message({ cookie: 'a=b; locale=fr', 'accept-language': 'de' })).toBe(
      'PUT n’est pas permis ici ; méthodes permises : POST, OPTIONS.',
    );
  });

  it('methods unknown (the OPTIONS probe failed) → no Allow header, a message that names none', () => {
    const answer = methodNotAllowedAnswer({ method: 'PUT', allow: null, headers: {} });
    expect(answer.headers).not.toHaveProperty('Allow');
    expect((JSON.parse(answer.body) as { error: { message: string } }).error.message).toBe('PUT is not allowed here.');
  });
});

describe('isApiPath', () => {
  it.each([
    ['/api', true],
    ['/api/live', true],
    ['/api/live?x=1', true],
    ['/apis', false],
    ['/wopi/files/1', false],
    ['/', false],
  ])('%s → %s', (url, expected) => {
    expect(isApiPath(url)).toBe(expected);
  });
});
