import { useTranslations } from 'next-intl';
import type { BrowseParams } from '@/lib/documents/browse-params';

/** Name filter as a plain GET form: works without JavaScript and keeps the URL shareable. */
export const ListToolbar = ({ params }: { params: BrowseParams }) => {
  const t = useTranslations('files');

  return (
    <form className="toolbar" method="get" action="/" role="search">
      {params.folder ? <input type="hidden" name="folder" value={params.folder} /> : null}
      {params.sort !== 'name' ? <input type="hidden" name="sort" value={params.sort} /> : null}
      {params.dir !== 'asc' ? <input type="hidden" name="dir" value={params.dir} /> : null}
      <input
        type="search"
        name="q"
        defaultValue={params.q}
        placeholder={t('filterByName')}
        aria-label={t('filterByName')}
      />
      <button type="submit">{t('filter')}</button>
    </form>
  );
};
