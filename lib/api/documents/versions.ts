import { forbidden, notFound } from '@/lib/api/errors';
import { attachmentResponse } from '@/lib/api/documents/attachment';
import { recordAudit } from '@/lib/audit/audit';
import type { SessionUser } from '@/lib/auth/session';
import { DomainError } from '@/lib/errors';
import { describeVersion } from '@/lib/documents/version-groups';
import { getVersionHistory, getVersionObject, restoreVersion } from '@/lib/documents/versions';
import { ROLE_PERMISSIONS } from '@/lib/users/permissions';

/** A version number from a URL segment: a positive integer, else 404 (there is no such version). */
export const parseVersionParam = (value: string) => {
  if (!/^[1-9]\d{0,8}$/.test(value))
    throw notFound(`There is no version “${value}”.`, { what: 'version_param', version: value });

  return Number(value);
};

/** "Plan.docx", 3 → "Plan (version 3).docx": a downloaded old version is not mistaken for the current file. */
export const versionFileName = (name: string, version: number) => {
  const dot = name.lastIndexOf('.');
  const [base, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];

  return `${base} (version ${version})${ext}`;
};

/**
 * GET /api/documents/:id/versions: the document and its versions, newest first, each with its
 * author (email, name), size in bytes, ISO time, what made it (`kind`), the editor's flags and
 * whether it is current. Any signed-in user; 404 for an unknown document.
 */
export const versionsJson = async (documentId: string) => {
  const history = await getVersionHistory(documentId);

  return {
    document: history.document,
    versions: history.versions.map((version) => {
      const described = describeVersion(version, history.document.version);

      return {
        version: described.version,
        size: described.size,
        createdAt: described.createdAt.toISOString(),
        author: described.author ? { email: described.author.email, name: described.author.name } : null,
        kind: described.kind,
        flags: described.flags,
        ...(described.restoredFrom === undefined ? {} : { restoredFrom: described.restoredFrom }),
        isCurrent: described.isCurrent,
      };
    }),
  };
};

/**
 * GET /api/documents/:id/versions/:version/content: that version's bytes streamed from S3 as an
 * attachment named "Name (version N).ext" (the current one under its own name); audited as
 * document.version_downloaded. Any signed-in user; 404 for an unknown document or version.
 */
export const downloadVersion = async ({
  documentId,
  version: versionParam,
  user,
}: {
  documentId: string;
  version: string;
  user: SessionUser;
}) => {
  const version = parseVersionParam(versionParam);
  const object = await getVersionObject(documentId, version);
  const fileName = object.isCurrent ? object.name : versionFileName(object.name, version);
  const response = await attachmentResponse({ key: object.key, fileName });
  await recordAudit({
    action: 'document.version_downloaded',
    outcome: 'success',
    userId: user.id,
    documentId,
    details: { version, size: object.size },
  });

  return response;
};

/**
 * POST /api/documents/:id/versions/:version/restore: version N's bytes become a NEW current
 * version (restoreVersion). Editors and admins (viewers 403); 404 for an unknown document or
 * version; 409 `locked` while the document is open in an editor. Audited as
 * document.version_restored (a refusal for the lock as a failure).
 */
export const restoreVersionRequest = async ({
  documentId,
  version: versionParam,
  user,
}: {
  documentId: string;
  version: string;
  user: SessionUser;
}) => {
  if (!ROLE_PERMISSIONS[user.role].includes('write'))
    throw forbidden('Viewers cannot restore versions.', { what: 'viewer_versions' });
  const version = parseVersionParam(versionParam);
  try {
    const restored = await restoreVersion({ documentId, version, userId: user.id });
    await recordAudit({
      action: 'document.version_restored',
      outcome: 'success',
      userId: user.id,
      documentId,
      details: { restoredFrom: version, version: restored.version },
    });

    return restored;
  } catch (error) {
    if (error instanceof DomainError && error.code === 'locked') {
      await recordAudit({
        action: 'document.version_restored',
        outcome: 'failure',
        userId: user.id,
        documentId,
        details: { restoredFrom: version, reason: 'locked' },
      });
    }
    throw error;
  }
};
