import { GET as contentsGet, POST as contentsPost } from '@/app/wopi/files/[fileId]/contents/route';
import { GET as fileGet, POST as filePost } from '@/app/wopi/files/[fileId]/route';
import type { Permission } from '@/lib/tokens/permissions';
import { mintAccessToken } from '@/lib/tokens/tokens';

type CallOptions = {
  token: string;
  headers?: Record<string, string>;
  body?: BodyInit | null;
  /** Send the token as Authorization: Bearer instead of ?access_token=. */
  bearer?: boolean;
};

const request = (fileId: string, suffix: string, method: string, options: CallOptions) => {
  const query = options.bearer ? '' : `?access_token=${encodeURIComponent(options.token)}`;

  return new Request(`http://127.0.0.1/wopi/files/${fileId}${suffix}${query}`, {
    method,
    headers: { ...(options.bearer ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers },
    body: options.body ?? null,
    duplex: 'half',
  } as RequestInit);
};

const context = (fileId: string) => ({ params: Promise.resolve({ fileId }) });

/** Calls the real route handlers (real Postgres, real S3) as an editor would over HTTP. */
export const wopi = {
  checkFileInfo: (fileId: string, options: CallOptions) =>
    fileGet(request(fileId, '', 'GET', options), context(fileId)),
  getFile: (fileId: string, options: CallOptions) =>
    contentsGet(request(fileId, '/contents', 'GET', options), context(fileId)),
  putFile: (fileId: string, options: CallOptions) =>
    contentsPost(
      request(fileId, '/contents', 'POST', { ...options, headers: { 'X-WOPI-Override': 'PUT', ...options.headers } }),
      context(fileId),
    ),
  override: (fileId: string, override: string, options: CallOptions) =>
    filePost(
      request(fileId, '', 'POST', { ...options, headers: { 'X-WOPI-Override': override, ...options.headers } }),
      context(fileId),
    ),
};

export const tokenFor = async (
  documentId: string,
  userId: string,
  permissions: Permission[] = ['read', 'write', 'rename', 'delete', 'create'],
) => (await mintAccessToken({ documentId, userId, permissions })).token;

export const bytesOf = async (response: Response) => Buffer.from(await response.arrayBuffer());
