'use client';

import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { draggedItems, folderLabel } from '@/components/document-table';
import { moveItem } from '@/components/file-operations';
import { FileNotice, useFileRunner } from '@/components/file-runner';
import styles from '@/components/files.module.css';
import { browseHref } from '@/lib/documents/browse-params';
import { visibleName } from '@/lib/names';

type Props = {
  crumbs: { name: string; path: string }[];
  /** Rows dragged from the list onto a breadcrumb move into that folder (admins and editors). */
  canDrop?: boolean;
};

export const FolderBreadcrumbs = ({ crumbs, canDrop = false }: Props) => {
  const runner = useFileRunner();
  const t = useTranslations('files');
  const [over, setOver] = useState<string | null>(null);

  return (
    <>
      <nav aria-label={t('breadcrumb')} className="breadcrumbs">
        <ol>
          {crumbs.map((crumb, index) => (
            <li key={crumb.path}>
              {index === crumbs.length - 1 ? (
                <span aria-current="page">{crumb.path === '' ? t('topFolder') : visibleName(crumb.name)}</span>
              ) : (
                <Link
                  href={browseHref({ folder: crumb.path })}
                  className={over === crumb.path ? styles.breadcrumbDrop : undefined}
                  data-testid="breadcrumb-link"
                  onDragOver={(event) => {
                    if (!canDrop || !draggedItems(event)) return;
                    event.preventDefault();
                    setOver(crumb.path);
                  }}
                  onDragLeave={() => setOver(null)}
                  onDrop={(event) => {
                    setOver(null);
                    const items = draggedItems(event);
                    if (!canDrop || !items || items.length === 0) return;
                    event.preventDefault();
                    void runner.run({
                      items,
                      action: 'move',
                      verb: t('movedTo', { folder: folderLabel(t, crumb.path) }),
                      operation: (item, mode, onProgress) => moveItem(item, crumb.path, mode, onProgress),
                    });
                  }}
                >
                  {crumb.path === '' ? t('topFolder') : visibleName(crumb.name)}
                </Link>
              )}
            </li>
          ))}
        </ol>
      </nav>
      {canDrop ? <FileNotice runner={runner} testId="breadcrumb-notice" /> : null}
    </>
  );
};
