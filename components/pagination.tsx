import Link from 'next/link';
import { browseHref, type BrowseParams } from '@/lib/documents/browse-params';

type Props = { params: BrowseParams; total: number; pageSize: number };

export const Pagination = ({ params, total, pageSize }: Props) => {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages === 1) return null;
  const page = Math.min(params.page, pages);

  return (
    <nav className="pagination" aria-label="Pages">
      {page > 1 ? <Link href={browseHref({ ...params, page: page - 1 })}>← Previous</Link> : <span />}
      <span>
        Page {page} of {pages} ({total} documents)
      </span>
      {page < pages ? <Link href={browseHref({ ...params, page: page + 1 })}>Next →</Link> : <span />}
    </nav>
  );
};
