import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { browseHref, type BrowseParams } from '@/lib/documents/browse-params';

type Props = { params: BrowseParams; total: number; pageSize: number };

export const Pagination = ({ params, total, pageSize }: Props) => {
  const t = useTranslations('files');
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages === 1) return null;
  const page = Math.min(params.page, pages);

  return (
    <nav className="pagination" aria-label={t('pages')}>
      {page > 1 ? <Link href={browseHref({ ...params, page: page - 1 })}>{t('previous')}</Link> : <span />}
      <span>{t('pageOf', { page, pages, total })}</span>
      {page < pages ? <Link href={browseHref({ ...params, page: page + 1 })}>{t('next')}</Link> : <span />}
    </nav>
  );
};
