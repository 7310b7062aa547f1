import { browseHref } from '@/lib/documents/browse-params';
import type { WopiConfig } from '@/lib/wopi/types';

/** URLs of this host that WOPI responses hand to editors. */
export const hostUrls = (config: WopiConfig, doc: { id: string; folder: string }) => ({
  hostView: `${config.publicUrl}/documents/${doc.id}/view`,
  hostEdit: `${config.publicUrl}/documents/${doc.id}/edit`,
  folder: `${config.publicUrl}${browseHref({ folder: doc.folder })}`,
  home: `${config.publicUrl}/`,
  wopiSrc: `${config.publicUrl}/wopi/files/${doc.id}`,
});
