'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
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

const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

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

const folderLabel = (path: string) => (path === '' ? 'Documents' : `“${visibleName(path)}”`);

/**
 * The folder's listing. For admins and editors also: a checkbox per row (and select all) with
 * bulk move, copy and delete; an actions menu per row (rename, move, copy, delete); rows dragged
 * onto a folder row (or a breadcrumb) move there. Refusals are shown above the table, with a
 * one-click choice when a name is taken.
 */
const OPEN_VERBS = { edit: 'Edit', view: 'View', inline: 'Open', download: 'Download' } as const;

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
    const what = items.length === 1 ? `“${visibleName(items[0]!.name)}”` : `${items.length} items`;
    if (!window.confirm(`Move ${what} to the trash? You can restore from the trash.`)) return;
    void runner.run({ items, verb: 'Moved to the trash', operation: deleteItem, onDone: done });
  };

  const dropOn = (event: DragEvent, folder: string) => {
    const items = draggedItems(event)?.filter((item) => !(item.kind === 'folder' && item.path === folder));
    setDropTarget(null);
    if (!items || items.length === 0) return;
    event.preventDefault();
    void runner.run({
      items,
      verb: `Moved to ${folderLabel(folder)}`,
      operation: (item, mode) => moveItem(item, folder, mode),
      onDone: done,
    });
  };

  const dragStart = (event: DragEvent, item: FileItem) => {
    const items = selected.has(itemKey(item)) ? selectedItems : [item];
    event.dataTransfer.setData(DRAG_TYPE, JSON.stringify(items));
    event.dataTransfer.effectAllowed = 'move';
  };

  const menuFor = (item: FileItem) => [
    { label: 'Rename…', onSelect: () => setDialog({ kind: 'rename', item }) },
    { label: 'Move…', onSelect: () => setDialog({ kind: 'move', items: [item] }) },
    { label: 'Copy…', onSelect: () => setDialog({ kind: 'copy', items: [item] }) },
    { label: 'Delete', onSelect: () => remove([item]), isDanger: true },
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
      aria-label={`Select ${visibleName(item.name)}`}
    />
  );

  const dialogs =
    dialog?.kind === 'rename' ? (
      <NameDialog
        title={`Rename “${visibleName(dialog.item.name)}”`}
        label="New name"
        initial={dialog.item.name}
        submitLabel="Rename"
        onClose={() => setDialog(null)}
        onSubmit={async (name) => {
          const result = await renameItem(dialog.item, name);
          if (result.ok) {
            router.refresh();

            return null;
          }

          return result.suggestion ? `${result.message} “${result.suggestion}” is free.` : result.message;
        }}
      />
    ) : dialog ? (
      <FolderPickerDialog
        title={`${dialog.kind === 'move' ? 'Move' : 'Copy'} ${
          dialog.items.length === 1 ? `“${visibleName(dialog.items[0]!.name)}”` : `${dialog.items.length} items`
        } to…`}
        submitLabel={dialog.kind === 'move' ? 'Move here' : 'Copy here'}
        start={params.folder}
        onClose={() => setDialog(null)}
        onPick={async (folder) => {
          const operation = dialog.kind === 'move' ? moveItem : copyItem;
          await runner.run({
            items: dialog.items,
            verb: `${dialog.kind === 'move' ? 'Moved' : 'Copied'} to ${folderLabel(folder)}`,
            operation: (item, mode) => operation(item, folder, mode),
            onDone: done,
          });

          return null;
        }}
      />
    ) : null;

  const notice = <FileNotice runner={runner} />;

  if (listing.documents.length === 0 && folderItems.length === 0) {
    return (
      <>
        {notice}
        <div className="empty" data-testid="empty-state">
          <p>
            {params.q
              ? `No documents match “${params.q}”.`
              : isReading
                ? 'Reading this folder from storage…'
                : 'This folder is empty.'}
          </p>
        </div>
      </>
    );
  }

  return (
    <>
      {notice}
      {allItems.length > 0 ? (
        <div className={styles.bulkBar} role="region" aria-label="Selection" data-testid="bulk-bar">
          <label className={styles.selectAll}>
            <input
              type="checkbox"
              checked={allItems.length > 0 && selectedItems.length === allItems.length}
              onChange={(event) => setSelected(event.target.checked ? new Set(allItems.map(itemKey)) : new Set())}
            />
            Select all
          </label>
          {selectedItems.length > 0 ? (
            <>
              <span data-testid="selected-count">{selectedItems.length} selected</span>
              <a href={zipHref} download data-testid="zip-selection">
                Download as zip
              </a>
              {canManage ? (
                <>
                  <button
                    type="button"
                    className={styles.secondary}
                    onClick={() => setDialog({ kind: 'move', items: selectedItems })}
                  >
                    Move…
                  </button>
                  <button
                    type="button"
                    className={styles.secondary}
                    onClick={() => setDialog({ kind: 'copy', items: selectedItems })}
                  >
                    Copy…
                  </button>
                  <button type="button" className={styles.danger} onClick={() => remove(selectedItems)}>
                    Delete
                  </button>
                </>
              ) : null}
              <button type="button" className="link-button" onClick={done}>
                Clear selection
              </button>
            </>
          ) : null}
        </div>
      ) : null}
      <div className={styles.tableScroll}>
        <table className="documents" data-testid="document-table">
          <thead>
            <tr>
              <SortHeader field="name" label="Name" params={params} />
              <SortHeader field="size" label="Size" params={params} />
              <SortHeader field="modified" label="Modified" params={params} />
              <th scope="col">Modified by</th>
              <th scope="col">Version</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
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
                    Folder
                  </td>
                  <td>
                    <span className={styles.actions}>
                      <a
                        href={`/api/zip?folder=${encodeURIComponent(path)}`}
                        download
                        title={`Download ${visibleName(item.name)} as a zip`}
                        data-testid="folder-zip-link"
                      >
                        Zip
                      </a>
                      {canManage ? (
                        <RowMenu label={`Actions for ${visibleName(item.name)}`} actions={menuFor(item)} />
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
                      title={`${OPEN_VERBS[openOf(doc.id).kind]} ${visibleName(doc.name)}`}
                      data-open={openOf(doc.id).kind}
                    >
                      <FileIcon extension={doc.extension} />
                      {visibleName(doc.name)}
                    </a>
                  </td>
                  <td>{formatBytes(doc.size)}</td>
                  <td>
                    <time dateTime={doc.lastModifiedAt}>{dateFormat.format(new Date(doc.lastModifiedAt))} UTC</time>
                  </td>
                  <td>{doc.lastModifiedBy ?? <span className="muted">outside the portal</span>}</td>
                  <td data-testid="document-version">v{doc.version}</td>
                  <td>
                    <span className={styles.actions}>
                      <a
                        href={`/api/documents/${doc.id}/content`}
                        title={`Download ${visibleName(doc.name)}`}
                        data-testid="download-link"
                      >
                        Download
                      </a>
                      <a
                        href={`/documents/${doc.id}/history`}
                        title={`Versions of ${visibleName(doc.name)}`}
                        data-testid="history-link"
                      >
                        History
                      </a>
                      {canManage ? (
                        <RowMenu label={`Actions for ${visibleName(doc.name)}`} actions={menuFor(item)} />
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
