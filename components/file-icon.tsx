const KINDS: Record<string, { label: string; color: string }> = {
  doc: { label: 'W', color: '#2b579a' },
  sheet: { label: 'X', color: '#217346' },
  slides: { label: 'P', color: '#b7472a' },
  pdf: { label: 'PDF', color: '#c1121f' },
  text: { label: 'T', color: '#6c757d' },
  image: { label: 'IMG', color: '#7048e8' },
  other: { label: '?', color: '#868e96' },
};

const BY_EXTENSION: Record<string, keyof typeof KINDS> = {
  doc: 'doc',
  docx: 'doc',
  docm: 'doc',
  dotx: 'doc',
  odt: 'doc',
  rtf: 'doc',
  xls: 'sheet',
  xlsx: 'sheet',
  xlsm: 'sheet',
  xlsb: 'sheet',
  ods: 'sheet',
  csv: 'sheet',
  ppt: 'slides',
  pptx: 'slides',
  pptm: 'slides',
  odp: 'slides',
  pdf: 'pdf',
  txt: 'text',
  md: 'text',
  png: 'image',
  jpg: 'image',
  jpeg: 'image',
  gif: 'image',
  svg: 'image',
  webp: 'image',
};

export const kindOf = (extension: string) => BY_EXTENSION[extension.toLowerCase()] ?? 'other';

export const FileIcon = ({ extension }: { extension: string }) => {
  const kind = KINDS[kindOf(extension)]!;

  return (
    <span className="file-icon" style={{ background: kind.color }} aria-hidden="true">
      {kind.label}
    </span>
  );
};

export const FolderIcon = () => (
  <span className="file-icon folder-icon" aria-hidden="true">
    ▰
  </span>
);
