import { z } from 'zod';
import { SORT_FIELDS } from '@/lib/documents/types';

export const browseParamsSchema = z.object({
  folder: z.string().catch(''),
  sort: z.enum(SORT_FIELDS).catch('name'),
  dir: z.enum(['asc', 'desc']).catch('asc'),
  q: z.string().max(200).catch(''),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});
export type BrowseParams = z.infer<typeof browseParamsSchema>;

export const parseBrowseParams = (raw: Record<string, string | string[] | undefined>): BrowseParams =>
  browseParamsSchema.parse({
    folder: typeof raw.folder === 'string' ? raw.folder : '',
    sort: raw.sort,
    dir: raw.dir,
    q: typeof raw.q === 'string' ? raw.q : '',
    page: raw.page,
  });

/** A browser URL with only the non-default parameters. */
export const browseHref = (params: Partial<BrowseParams>) => {
  const search = new URLSearchParams();
  if (params.folder) search.set('folder', params.folder);
  if (params.q) search.set('q', params.q);
  if (params.sort && params.sort !== 'name') search.set('sort', params.sort);
  if (params.dir && params.dir !== 'asc') search.set('dir', params.dir);
  if (params.page && params.page > 1) search.set('page', String(params.page));
  const query = search.toString();

  return query ? `/?${query}` : '/';
};
