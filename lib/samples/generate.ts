import { makeOdp, makeOds, makeOdt } from './odf';
import { makeDocx, makePptx, makeXlsx } from './ooxml';
import { makePdf } from './pdf';

export { columnName, makeDocx, makePptx, makeXlsx } from './ooxml';
export { makeOdp, makeOds, makeOdt, ODF_MIME_TYPES } from './odf';
export { makePdf } from './pdf';
export { escapeXml } from './xml';

export type BlankKind = 'docx' | 'xlsx' | 'pptx' | 'odt' | 'ods' | 'odp';

export const BLANK_KINDS: readonly BlankKind[] = ['docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp'];

/** Empty documents for "New document"; presentations keep one slide so editors show placeholder prompts. */
export const makeBlank = (kind: BlankKind): Uint8Array => {
  switch (kind) {
    case 'docx':
      return makeDocx({ title: '', paragraphs: [] });
    case 'xlsx':
      return makeXlsx({ sheetName: 'Sheet1', rows: [] });
    case 'pptx':
      return makePptx({ title: '', bullets: [] });
    case 'odt':
      return makeOdt({ title: '', paragraphs: [] });
    case 'ods':
      return makeOds({ sheetName: 'Sheet1', rows: [] });
    case 'odp':
      return makeOdp({ title: '', bullets: [] });
  }
};

export type SampleDocument = { folder: string; name: string; bytes: () => Uint8Array };

const BUDGET_ROWS: (string | number)[][] = [
  ['Item', 'Q1', 'Q2', 'Q3', 'Q4'],
  ['Hosting (Postgres + S3)', 1200, 1200, 1350, 1350],
  ['Office editor licences', 2400, 2400, 2400, 2400],
  ['Backups and monitoring', 300, 300, 300, 450],
  ['Support and training', 800, 600, 600, 900],
].map((row, i) =>
  i === 0 ? [...row, 'Total'] : [...row, row.reduce<number>((sum, v) => sum + (typeof v === 'number' ? v : 0), 0)],
);

const USAGE_ROWS: (string | number)[][] = [
  ['Folder', 'Files', 'Size (MB)', 'Last edited'],
  ['Projects', 12, 48.5, '2026-01-12'],
  ['Projects/Archive', 31, 120.25, '2025-11-30'],
  ['Shared templates', 6, 3.75, '2026-01-05'],
  ['Personal', 18, 22, '2026-01-14'],
];

// Root is the empty string so callers can join folder and name without special cases.
export const SAMPLE_DOCUMENTS: SampleDocument[] = [
  {
    folder: '',
    name: 'Welcome.docx',
    bytes: () =>
      makeDocx({
        title: 'Welcome to your document portal',
        paragraphs: [
          'This portal keeps your documents in one place and opens them in a full office editor right in the browser. Nothing to install: every file is served to the editor through the WOPI protocol.',
          'To open a document, click its name in the file list. Word processing files, spreadsheets and presentations open in the editor; PDFs open in the viewer.',
          'To edit, just start typing. Changes are saved back to the portal automatically, and the file is locked while you work so nobody overwrites your changes.',
          'To upload, drag files from your computer onto the file list or use the Upload button. Create folders to keep projects tidy, and use New to start a blank document, spreadsheet or presentation.',
          'Tip: the "Projects" folder contains a sample budget and roadmap you can experiment with.',
        ],
      }),
  },
  {
    folder: '',
    name: 'Guide.pdf',
    bytes: () =>
      makePdf({
        title: 'Document portal - quick guide',
        lines: [
          '1. Sign in with your account.',
          '2. Browse folders in the sidebar; the breadcrumb shows where you are.',
          '3. Click a document to open it in the office editor (Word, Excel, PowerPoint and OpenDocument formats).',
          '4. Edit as usual: changes are saved automatically through WOPI, and the file stays locked while it is open.',
          '5. Upload files by dragging them onto the list or with the Upload button.',
          '6. Use New to create a blank document, spreadsheet or presentation.',
          '7. Rename, download or delete files from the file menu.',
          '',
          'Need help? Ask your administrator (the "portal admin") to check the server logs.',
        ],
      }),
  },
  {
    folder: '',
    name: 'Storage usage.ods',
    bytes: () => makeOds({ sheetName: 'Usage', rows: USAGE_ROWS, boldFirstRow: true }),
  },
  {
    folder: '',
    name: 'Quick tour.odp',
    bytes: () =>
      makeOdp({
        title: 'A quick tour of the portal',
        bullets: [
          'Your files live in Postgres-backed folders with S3 storage',
          'Click any document to open it in the browser editor',
          'Edits are saved automatically via WOPI',
          'Drag and drop to upload; New creates blank files',
        ],
      }),
  },
  {
    folder: 'Projects',
    name: 'Budget 2026.xlsx',
    bytes: () => makeXlsx({ sheetName: 'Budget 2026', rows: BUDGET_ROWS, boldFirstRow: true }),
  },
  {
    folder: 'Projects',
    name: 'Roadmap.pptx',
    bytes: () =>
      makePptx({
        title: 'Portal roadmap 2026',
        bullets: [
          'Q1: upload, folders and in-browser editing via WOPI',
          'Q2: sharing links & per-folder permissions',
          'Q3: version history and restore',
          'Q4: full-text search across documents',
        ],
      }),
  },
  {
    folder: 'Projects/Archive',
    name: 'Meeting notes.odt',
    bytes: () =>
      makeOdt({
        title: 'Kick-off meeting notes',
        paragraphs: [
          'Attendees: product, engineering and operations.',
          'Decision: documents open in the office editor through WOPI; the portal stays the single source of truth for files.',
          'Action: migrate the shared drive by uploading folders in batches and checking that every file opens.',
          'Next meeting: review the roadmap and the 2026 budget in the "Projects" folder.',
        ],
      }),
  },
];
