import { z } from 'zod';
import { badRequest, payloadTooLarge } from '@/lib/api/errors';
import { recordAudit } from '@/lib/audit/audit';
import type { SessionUser } from '@/lib/auth/session';
import { checkUploadTarget, uploadDocument } from '@/lib/documents/write';
import { env } from '@/lib/env';
import { invalidInputOf, REPORT_INPUT } from '@/lib/validation-details';

const querySchema = z.object({
  folder: z.string().default(''),
  name: z.string({ message: 'The file name is missing.' }),
  onConflict: z
    .enum(['fail', 'replace', 'rename'], { message: 'onConflict must be fail, replace or rename.' })
    .default('fail'),
});

/** The admin upload endpoint: query says where, the body is the file, streamed to the bucket. */
export const uploadDocumentFromRequest = async ({ request, user }: { request: Request; user: SessionUser }) => {
  const url = new URL(request.url);
  const parsed = querySchema.safeParse(Object.fromEntries(url.searchParams), REPORT_INPUT);
  if (!parsed.success) throw invalidInputOf('invalid_request', parsed.error);
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > env.MAX_UPLOAD_BYTES) throw payloadTooLarge(env.MAX_UPLOAD_BYTES);
  if (!request.body) throw badRequest('empty_body', 'The request has no file body.');

  const { folder, name, onConflict } = parsed.data;
  try {
    const result = await uploadDocument({
      folder,
      name,
      body: request.body,
      // The body is the file itself (never a form), so its Content-Length is the file's size.
      size: /^\d+$/.test(request.headers.get('content-length') ?? '') ? declared : undefined,
      contentType: request.headers.get('content-type') ?? undefined,
      userId: user.id,
      onConflict,
      maxBytes: env.MAX_UPLOAD_BYTES,
      signal: request.signal,
    });
    await recordAudit({
      action: 'document.upload',
      outcome: 'success',
      userId: user.id,
      documentId: result.id,
      details: { name: result.name, folder: result.folder, size: result.size, replaced: result.replaced },
    });

    return Response.json({ document: result }, { status: result.replaced ? 200 : 201 });
  } catch (error) {
    await recordAudit({
      action: 'document.upload',
      outcome: 'failure',
      userId: user.id,
      details: { name, folder, error: error instanceof Error ? error.message : 'unknown' },
    });
    throw error;
  }
};

/** GET with ?folder=&name=: 200 `{exists, suggestion?, locked?}` (lib/documents/write.ts checkUploadTarget) or 400 with why the name is refused. */
export const checkUploadFromRequest = async ({ request }: { request: Request }) => {
  const parsed = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams), REPORT_INPUT);
  if (!parsed.success) throw invalidInputOf('invalid_request', parsed.error);

  return Response.json(await checkUploadTarget(parsed.data), { headers: { 'Cache-Control': 'no-store' } });
};
