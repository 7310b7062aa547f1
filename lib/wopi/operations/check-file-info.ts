// CheckFileInfo: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/files/checkfileinfo
import { utf8Length } from '@/lib/names';
import { nameBudget } from '@/lib/storage/keys';
import { notFound } from '@/lib/wopi/errors';
import { jsonResponse } from '@/lib/wopi/response';
import type { WopiOperation } from '@/lib/wopi/types';
import { hostUrls } from '@/lib/wopi/urls';

/** `new URL(publicUrl).origin`, parsed once per configured PUBLIC_URL rather than per request. */
let originOf: { publicUrl: string; origin: string } | undefined;
const postMessageOrigin = (publicUrl: string) => {
  if (originOf?.publicUrl !== publicUrl) originOf = { publicUrl, origin: new URL(publicUrl).origin };

  return originOf.origin;
};

/** Properties are the protocol's PascalCase; booleans are JSON booleans; built only here. */
export const checkFileInfo: WopiOperation = async (ctx) => {
  const { user, permissions, config, ports } = ctx;
  // What another tool wrote to the bucket since is a new version, reported as such.
  const doc = await ports.documents.refresh(ctx.document);
  if (!doc) throw notFound('deleted meanwhile');
  const sha256 = await ports.documents.sha256(doc);
  const isFirstUse = await ports.markTokenUsed({ tokenId: ctx.claims.tokenId, documentId: doc.id, userId: user.id });
  if (isFirstUse) {
    await ports.audit({
      action: 'wopi.open',
      outcome: 'success',
      userId: user.id,
      documentId: doc.id,
      details: { permissions: [...permissions] },
    });
  }
  const canWrite = permissions.has('write');
  const urls = hostUrls(config, doc);
  const folderName = doc.folder ? doc.folder.slice(doc.folder.lastIndexOf('/') + 1) : 'Documents';

  return jsonResponse({
    BaseFileName: doc.name,
    OwnerId: doc.createdById ?? 'portal',
    Size: doc.size,
    UserId: user.id,
    Version: String(doc.version),
    SHA256: Buffer.from(sha256, 'hex').toString('base64'),
    LastModifiedTime: doc.lastModifiedAt.toISOString(),
    FileExtension: doc.extension ? `.${doc.extension}` : '',
    // Without the extension, as the spec counts it, and in characters (UTF-16 units), as editors
    // count it: ONLYOFFICE cuts a rename to name.substring(0, FileNameMaxLength) (ONLYOFFICE/server
    // DocService/sources/wopiClient.js renameFile). The rule counts UTF-8 bytes, and a UTF-16 unit
    // takes at most 3, so any name this long fits (76 for ".docx" at the root; ASCII names may
    // be up to 228).
    FileNameMaxLength: Math.floor((nameBudget(doc.folder) - utf8Length(doc.extension ? `.${doc.extension}` : '')) / 3),

    UserFriendlyName: user.name,
    UserPrincipalName: user.email,
    IsAnonymousUser: false,
    UserCanWrite: canWrite,
    ReadOnly: !canWrite,
    UserCanRename: canWrite && permissions.has('rename'),
    UserCanNotWriteRelative: !(canWrite && permissions.has('create')),
    SupportsUserInfo: true,
    UserInfo: user.wopiUserInfo ?? '',

    SupportsLocks: true,
    SupportsGetLock: true,
    SupportsExtendedLockLength: true,
    SupportsUpdate: true,
    SupportsRename: true,
    SupportsDeleteFile: true,
    SupportsContainers: false,
    SupportsEcosystem: false,

    BreadcrumbBrandName: 'Documents',
    BreadcrumbBrandUrl: urls.home,
    BreadcrumbFolderName: folderName,
    BreadcrumbFolderUrl: urls.folder,
    BreadcrumbDocName: doc.name,
    HostViewUrl: urls.hostView,
    HostEditUrl: urls.hostEdit,
    CloseUrl: urls.folder,
    PostMessageOrigin: postMessageOrigin(config.publicUrl),
    DisableBrowserCachingOfUserContent: true,
  });
};
