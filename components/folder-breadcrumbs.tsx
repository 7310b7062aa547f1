import Link from 'next/link';
import { browseHref } from '@/lib/documents/browse-params';

type Props = { crumbs: { name: string; path: string }[] };

export const FolderBreadcrumbs = ({ crumbs }: Props) => (
  <nav aria-label="Breadcrumb" className="breadcrumbs">
    <ol>
      {crumbs.map((crumb, index) => (
        <li key={crumb.path}>
          {index === crumbs.length - 1 ? (
            <span aria-current="page">{crumb.name}</span>
          ) : (
            <Link href={browseHref({ folder: crumb.path })}>{crumb.name}</Link>
          )}
        </li>
      ))}
    </ol>
  </nav>
);
