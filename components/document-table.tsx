'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useFormatter, useLocale, useTranslations } from 'next-intl';
import { useState, type DragEvent } from 'react';
import { FileIcon, FolderIcon } from '@/components/file-icon';
import {
  copyItem,
  deleteItem,
  DRAG_TYPE,
  itemKey,
  moveItem,
  renameItem,
  type FileItem,
} from '@/components/file-operations';
import { FileNotice, useFileRunner } from '@/components/file-runner';
import styles from '@/components/files.module.css';
import { FolderPickerDialog } from '@/components/folder-picker-dialog';
import { NameDialog } from '@/components/name-dialog';
import { RowMenu } from '@/components/row-menu';
import { browseHref, type BrowseParams } from '@/lib/documents/browse-params';
import type { SortField } from '@/lib/documents/types';
import type { OpenAction } from '@/lib/discovery/open-action';
import { formatBytes } from '@/lib/format';
import { visibleName } from '@/lib/names';

/** A document row as the server page hands it over (dates as ISO strings). */
export type DocumentRowData = {
  id: string;
  name: string;
  extension: string;
  size: number;
  version: number;
  lastModifiedAt: string;
  lastModifiedBy: string | null;
};

type Props = {
  listing: { folders: { path: string; name: string }[]; documents: DocumentRowData[]; total: number };
  params: BrowseParams;
  /** Names open the editor in edit mode (else view), unless `openActions` says how. */
  canEdit: boolean;
  /** How each document's name opens it (lib/discovery/open-action.ts), by id. */
  openActions?: Record<string, OpenAction>;
  /** Rename, move, copy, delete, select and drag (admins and editors). */
  canManage?: boolean;
  /** The folder's first sync is still under way: empty is not empty yet. */
  isReading?: boolean;
};

type Dialog = { kind: 'rename'; item: FileItem } | { kind: 'move' | 'copy'; items: FileItem[] };

const SortHeader = ({ field, label, params }: { field: SortField; label: string; params: BrowseParams }) => {
  const isActive = params.sort === field;
  const nextDir = isActive && params.dir === 'asc' ? 'desc' : 'asc';

  return (
    <th scope="col" aria-sort={isActive ? (params.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <Link href={browseHref({ ...params, sort: field, dir: nextDir, page: 1 })}>
        {label}
        {isActive ? (params.dir === 'asc' ? ' ▲' : ' ▼') : ''}
      </Link>
    </th>
  );
};

/** Dragged list rows, or null when the drag is something else (files from the desktop…). */
export const draggedItems = (event: DragEvent) => {
  if (!event.dataTransfer.types.includes(DRAG_TYPE)) return null;
  try {
    return JSON.parse(event.dataTransfer.getData(DRAG_TYPE) || '[]') as FileItem[];
  } catch {
    return [];
  }
};

type FilesT = ReturnType<typeof useTranslations<'files'>>;

/** A folder as messages name it: "Documents" for the top, else its path in quotes. */
export const folderLabel = (t: FilesT, path: string) =>
  path === '' ? t('topFolder') : t('quoted', { name: visibleName(path) });

/** One item's quoted name, or "3 items". */
export const itemsLabel = (t: FilesT, items: { name: string }[]) =>
  items.length === 1 ? t('quoted', { name: visibleName(items[0]!.name) }) : t('itemCount', { count: items.length });

/**
 * The folder's listing. For admins and editors also: a checkbox per row (and select all) with
 * bulk move, copy and delete; an actions menu per row (rename, move, copy, delete); rows dragged
 * onto a folder row (or a breadcrumb) move there. Refusals are shown above the table, with a
 * one-click choice when a name is taken.
 */
export const DocumentTable = ({
  listing,
  params,
  canEdit,
  openActions,
  canManage = false,
  isReading = false,
}: Props) => {
  const openOf = (id: string): OpenAction =>
    openActions?.[id] ?? { kind: canEdit ? 'edit' : 'view', href: `/documents/${id}/${canEdit ? 'edit' : 'view'}` };
  const router = useRouter();
  const t = useTranslations('files');
  const format = useFormatter();
  const locale = useLocale();
  const runner = useFileRunner();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [dropTarget, setDropTarget] = useState<string | null>(null);
  const showFolders = params.page === 1;
  const folderItems: FileItem[] = showFolders
    ? listing.folders.map((folder) => ({ kind: 'folder', path: folder.path, name: folder.name }))
    : [];
  const documentItems: FileItem[] = listing.documents.map((doc) => ({ kind: 'document', id: doc.id, name: doc.name }));
  const allItems = [...folderItems, ...documentItems];
  const selectedItems = allItems.filter((item) => selected.has(itemKey(item)));

  const toggle = (item: FileItem) => {
    const next = new Set(selected);
    if (!next.delete(itemKey(item))) next.add(itemKey(item));
    setSelected(next);
  };
  const done = () => setSelected(new Set());

  const remove = (items: FileItem[]) => {
    if (!window.confirm(t('confirmDelete', { what: itemsLabel(t, items) }))) return;
    void runner.run({
      items,
      action: 'delete',
      verb: t('movedToTrash'),
      operation: (item, _mode, onProgress) => deleteItem(item, onProgress),
      onDone: done,
    });
  };

  const dropOn = (event: DragEvent, folder: string) => {
    const items = draggedItems(event)?.filter((item) => !(item.kind === 'folder' && item.path === folder));
    setDropTarget(null);
    if (!items || items.length === 0) return;
    event.preventDefault();
    void runner.run({
      items,
      action: 'move',
      verb: t('movedTo', { folder: folderLabel(t, folder) }),
      operation: (item, mode, onProgress) => moveItem(item, folder, mode, onProgress),
      onDone: done,
    });
  };

  const dragStart = (event: DragEvent, item: FileItem) => {
    const items = selected.has(itemKey(item)) ? selectedItems : [item];
    event.dataTransfer.setData(DRAG_TYPE, JSON.stringify(items));
    event.dataTransfer.effectAllowed = 'move';
  };

  const menuFor = (item: FileItem) => [
    { label: t('rename'), onSelect: () => setDialog({ kind: 'rename', item }) },
    { label: t('move'), onSelect: () => setDialog({ kind: 'move', items: [item] }) },
    { label: t('copy'), onSelect: () => setDialog({ kind: 'copy', items: [item] }) },
    { label: t('delete'), onSelect: () => remove([item]), isDanger: true },
  ];

  const zipHref = `/api/zip?${selectedItems
    .map((item) => (item.kind === 'document' ? `id=${item.id}` : `folder=${encodeURIComponent(item.path)}`))
    .join('&')}`;

  // Everyone selects (a zip of the selection); moving, copying and deleting it is for admins and editors.
  const checkbox = (item: FileItem) => (
    <input
      type="checkbox"
      className={styles.rowCheck}
      checked={selected.has(itemKey(item))}
      onChange={() => toggle(item)}
      aria-label={t('select', { name: visibleName(item.name) })}
    />
  );

  const dialogs =
    dialog?.kind === 'rename' ? (
      <NameDialog
        title={t('renameTitle', { name: visibleName(dialog.item.name) })}
        label={t('newName')}
        initial={dialog.item.name}
        submitLabel={t('renameSubmit')}
        onClose={() => setDialog(null)}
        onSubmit={async (name) => {
          const problemOf = (result: { message: string; suggestion?: string }) =>
            result.suggestion
              ? t('nameIsFree', { message: result.message, suggestion: result.suggestion })
              : result.message || t('requestFailed');
          const item = dialog.item;
          // A folder's rename can be long: the dialog closes once the server has begun (a refusal
          // before that is said in the dialog), the notice above the list follows its progress.
          if (item.kind === 'folder')
            return new Promise<string | null>((resolve) => {
              void runner.run({
                items: [item],
                action: 'rename',
                verb: t('renamedTo', { name: visibleName(name) }),
                operation: (target, mode, onProgress) => renameItem(target, name, mode, onProgress),
                onStarted: () => resolve(null),
                onRefused: (result) => resolve(problemOf(result)),
              });
            });
          const result = await renameItem(item, name);
          if (result.ok) {
            router.refresh();

            return null;
          }

          return problemOf(result);
        }}
      />
    ) : dialog ? (
      <FolderPickerDialog
        title={t(dialog.kind === 'move' ? 'moveTitle' : 'copyTitle', { what: itemsLabel(t, dialog.items) })}
        submitLabel={dialog.kind === 'move' ? t('moveHere') : t('copyHere')}
        start={params.folder}
        onClose={() => setDialog(null)}
        onPick={(folder) => {
          const operation = dialog.kind === 'move' ? moveItem : copyItem;
          // Not awaited: the dialog closes, the notice above the list follows the progress.
          void runner.run({
            items: dialog.items,
            action: dialog.kind,
            verb: t(dialog.kind === 'move' ? 'movedTo' : 'copiedTo', { folder: folderLabel(t, folder) }),
            operation: (item, mode, onProgress) => operation(item, folder, mode, onProgress),
            onDone: done,
          });

          return Promise.resolve(null);
        }}
      />
    ) : null;

  const notice = <FileNotice runner={runner} />;

  if (listing.documents.length === 0 && folderItems.length === 0) {
    return (
      <>
        {notice}
        <div className="empty" data-testid="empty-state">
          <p>{params.q ? t('noMatch', { query: params.q }) : isReading ? t('reading') : t('empty')}</p>
        </div>
      </>
    );
  }

  return (
    <>
      {notice}
      {allItems.length > 0 ? (
        <div className={styles.bulkBar} role="region" aria-label={t('selection')} data-testid="bulk-bar">
          <label className={styles.selectAll}>
            <input
              type="checkbox"
              checked={allItems.length > 0 && selectedItems.length === allItems.length}
              onChange={(event) => setSelected(event.target.checked ? new Set(allItems.map(itemKey)) : new Set())}
            />
            {t('selectAll')}
          </label>
          {selectedItems.length > 0 ? (
            <>
              <span data-testid="selected-count">{t('selectedCount', { count: selectedItems.length })}</span>
              <a href={zipHref} download data-testid="zip-selection">
                {t('downloadZip')}
              </a>
              {canManage ? (
                <>
                  <button
                    type="button"
                    className={styles.secondary}
                    onClick={() => setDialog({ kind: 'move', items: selectedItems })}
                  >
                    {t('move')}
                  </button>
                  <button
                    type="button"
                    className={styles.secondary}
                    onClick={() => setDialog({ kind: 'copy', items: selectedItems })}
                  >
                    {t('copy')}
                  </button>
                  <button type="button" className={styles.danger} onClick={() => remove(selectedItems)}>
                    {t('delete')}
                  </button>
                </>
              ) : null}
              <button type="button" className="link-button" onClick={done}>
                {t('clearSelection')}
              </button>
            </>
          ) : null}
        </div>
      ) : null}
      <div className={styles.tableScroll}>
        <table className="documents" data-testid="document-table">
          <thead>
            <tr>
              <SortHeader field="name" label={t('name')} params={params} />
              <SortHeader field="size" label={t('size')} params={params} />
              <SortHeader field="modified" label={t('modified')} params={params} />
              <th scope="col">{t('modifiedBy')}</th>
              <th scope="col">{t('version')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {folderItems.map((item) => {
              const path = (item as { path: string }).path;

              return (
                <tr
                  key={path}
                  data-testid="folder-row"
                  data-name={item.name}
                  className={dropTarget === path ? styles.dropTarget : undefined}
                  draggable={canManage}
                  onDragStart={(event) => dragStart(event, item)}
                  onDragOver={(event) => {
                    if (!canManage || !event.dataTransfer.types.includes(DRAG_TYPE)) return;
                    event.preventDefault();
                    setDropTarget(path);
                  }}
                  onDragLeave={() => setDropTarget(null)}
                  onDrop={(event) => dropOn(event, path)}
                >
                  <td>
                    {checkbox(item)}
                    <Link href={browseHref({ folder: path })} className="name-cell">
                      <FolderIcon />
                      {visibleName(item.name)}
                    </Link>
                  </td>
                  <td colSpan={4} className="muted">
                    {t('folder')}
                  </td>
                  <td>
                    <span className={styles.actions}>
                      <a
                        href={`/api/zip?folder=${encodeURIComponent(path)}`}
                        download
                        title={t('downloadFolderZip', { name: visibleName(item.name) })}
                        data-testid="folder-zip-link"
                      >
                        {t('zip')}
                      </a>
                      {canManage ? (
                        <RowMenu label={t('actionsFor', { name: visibleName(item.name) })} actions={menuFor(item)} />
                      ) : null}
                    </span>
                  </td>
                </tr>
              );
            })}
            {listing.documents.map((doc, index) => {
              const item = documentItems[index]!;

              return (
                <tr
                  key={doc.id}
                  data-testid="document-row"
                  data-name={doc.name}
                  draggable={canManage}
                  onDragStart={(event) => dragStart(event, item)}
                >
                  <td>
                    {checkbox(item)}
                    <a
                      href={openOf(doc.id).href}
                      className="name-cell"
                      title={t('openVerb', { kind: openOf(doc.id).kind, name: visibleName(doc.name) })}
                      data-open={openOf(doc.id).kind}
                    >
                      <FileIcon extension={doc.extension} />
                      {visibleName(doc.name)}
                    </a>
                  </td>
                  <td>{formatBytes(doc.size, locale)}</td>
                  <td>
                    <time dateTime={doc.lastModifiedAt}>
                      {format.dateTime(new Date(doc.lastModifiedAt), { dateStyle: 'medium', timeStyle: 'short' })}
                    </time>
                  </td>
                  <td>{doc.lastModifiedBy ?? <span className="muted">{t('outsidePortal')}</span>}</td>
                  <td data-testid="document-version">{t('versionShort', { version: doc.version })}</td>
                  <td>
                    <span className={styles.actions}>
                      <a
                        href={`/api/documents/${doc.id}/content`}
                        title={t('downloadName', { name: visibleName(doc.name) })}
                        data-testid="download-link"
                      >
                        {t('download')}
                      </a>
                      <a
                        href={`/documents/${doc.id}/history`}
                        title={t('versionsOf', { name: visibleName(doc.name) })}
                        data-testid="history-link"
                      >
                        {t('history')}
                      </a>
                      {canManage ? (
                        <RowMenu label={t('actionsFor', { name: visibleName(doc.name) })} actions={menuFor(item)} />
                      ) : null}
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {dialogs}
    </>
  );
};
