import { invalidInput, notFoundError } from '@/lib/errors';
import { db } from '@/lib/db';
import { isUuid, VISIBLE } from '@/lib/documents/queries';
import { env, publicUrl } from '@/lib/env';
import type { Role } from '@/lib/generated/prisma/enums';
import type { Permission } from '@/lib/tokens/permissions';
import { effectivePermissions, ROLE_PERMISSIONS } from '@/lib/users/permissions';
import { mintAccessToken, type EditorProduct } from '@/lib/tokens/tokens';

export type IssuedToken = { documentId: string; wopiSrc: string; accessToken: string; accessTokenTtl: number };

/**
 * A WOPI access token for one user on one document: everything the user's role allows, or
 * only reading. `accessTokenTtl` is the expiry in ms since the epoch (WOPI's access_token_ttl).
 */
export const issueAccessToken = async ({
  documentId,
  user,
  readonly = false,
  permissions,
  client,
  editor,
  ttlMs = env.WOPI_TOKEN_TTL_SECONDS * 1000,
}: {
  documentId: string;
  user: { id: string; role: Role };
  readonly?: boolean;
  /** A subset of what the role allows (default: all of it). */
  permissions?: readonly Permission[];
  /** The editor the token is for (its proof keys are then checked on every call). */
  client?: string;
  /** Which product that editor is (lib/discovery/product.ts): how its requests are read. */
  editor?: EditorProduct;
  ttlMs?: number;
}): Promise<IssuedToken> => {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw invalidInput('invalid_ttl', 'The token lifetime must be positive.');
  const doc = isUuid(documentId)
    ? await db.document.findFirst({ where: { id: documentId, ...VISIBLE }, select: { id: true } })
    : null;
  if (!doc) throw notFoundError(`No document ${documentId}.`, { what: 'document', id: documentId });
  const { token, expiresAt } = await mintAccessToken({
    documentId: doc.id,
    userId: user.id,
    permissions: readonly ? ['read'] : [...effectivePermissions(permissions ?? ROLE_PERMISSIONS[user.role], user.role)],
    ttlMs,
    client,
    editor,
  });

  return {
    documentId: doc.id,
    wopiSrc: `${publicUrl()}/wopi/files/${doc.id}`,
    accessToken: token,
    accessTokenTtl: expiresAt,
  };
};
