/**
 * The files of a drop or a picker, each with the folder it goes into relative to the upload's
 * folder ("" for a plain file; "Reports/2026" for a file inside a dropped or picked folder).
 * Browser-only (no server imports): used by components/upload-panel.tsx.
 */
export type PickedFile = { file: File; relativeFolder: string };

const parentOf = (path: string) => path.split('/').filter(Boolean).slice(0, -1).join('/');

/** A picker's files: `webkitRelativePath` ("Folder/sub/a.docx") when a folder was picked. */
export const filesFromList = (list: FileList | null | undefined): PickedFile[] =>
  Array.from(list ?? []).map((file) => ({ file, relativeFolder: parentOf(file.webkitRelativePath || '') }));

const fileOf = (entry: FileSystemFileEntry) => new Promise<File>((resolve, reject) => entry.file(resolve, reject));

/** Every entry of a directory: readEntries answers in batches until an empty one. */
const entriesOf = async (directory: FileSystemDirectoryEntry) => {
  const reader = directory.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
};

const walk = async (entry: FileSystemEntry, folder: string, into: PickedFile[]): Promise<void> => {
  if (entry.isFile) {
    into.push({ file: await fileOf(entry as FileSystemFileEntry), relativeFolder: folder });

    return;
  }
  if (!entry.isDirectory) return;
  const inner = folder ? `${folder}/${entry.name}` : entry.name;
  for (const child of await entriesOf(entry as FileSystemDirectoryEntry)) await walk(child, inner, into);
};

/**
 * A drop's files, folders walked recursively. The entries are taken synchronously (the
 * DataTransfer is emptied once the event handler returns); browsers without entries give the
 * plain files.
 */
export const filesFromDrop = async (data: DataTransfer): Promise<PickedFile[]> => {
  const entries = Array.from(data.items ?? [])
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry?.() ?? null);
  if (entries.length === 0 || entries.some((entry) => entry === null)) return filesFromList(data.files);
  const picked: PickedFile[] = [];
  for (const entry of entries) await walk(entry!, '', picked);

  return picked;
};

/** The upload's folder joined with a file's relative folder: "Projects" + "Reports/2026". */
export const joinFolder = (base: string, relative: string) => [base, relative].filter(Boolean).join('/');
