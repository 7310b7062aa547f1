import Link from 'next/link';
import { browseHref } from '@/lib/documents/browse-params';
import { visibleName } from '@/lib/names';

type Props = { crumbs: { name: string; path: string }[] };

export const FolderBreadcrumbs = ({ crumbs }: Props) => (
  <nav aria-label="Breadcrumb" className="breadcrumbs">
    <ol>
      {crumbs.map((crumb, index) => (
        <li key={crumb.path}>
          {index === crumbs.length - 1 ? (
            <span aria-current="page">{visibleName(crumb.name)}</span>
          ) : (
            <Link href={browseHref({ folder: crumb.path })}>{visibleName(crumb.name)}</Link>
          )}
        </li>
      ))}
    </ol>
  </nav>
);
