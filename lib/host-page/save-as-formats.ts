/**
 * The formats the portal's Save As dialog offers: what Collabora Online itself offers for the
 * document's type (File → Save As and File → Export as in browser/src/control/Control.Menubar.js).
 * Action_SaveAs picks the format from the Filename's extension; pdf and epub are exported to a
 * new file while the editor stays on the current one (browser/src/map/handler/Map.WOPI.js).
 */
export type SaveAsFormat = { extension: string; label: string; isExport: boolean };

const format = (extension: string, label: string, isExport = false): SaveAsFormat => ({ extension, label, isExport });

const PDF = format('pdf', 'PDF Document (.pdf)', true);

const FAMILIES: { extensions: string[]; formats: SaveAsFormat[] }[] = [
  {
    extensions: ['odt', 'fodt', 'ott', 'docx', 'docm', 'dotx', 'doc', 'dot', 'rtf', 'txt', 'wpd', 'pages'],
    formats: [
      format('odt', 'ODF text document (.odt)'),
      format('docx', 'Word Document (.docx)'),
      format('doc', 'Word 2003 Document (.doc)'),
      format('rtf', 'Rich Text (.rtf)'),
      PDF,
      format('epub', 'EPUB (.epub)', true),
    ],
  },
  {
    extensions: ['ods', 'fods', 'ots', 'xlsx', 'xlsm', 'xltx', 'xls', 'xlt', 'csv', 'numbers'],
    formats: [
      format('ods', 'ODF spreadsheet (.ods)'),
      format('xlsx', 'Excel Spreadsheet (.xlsx)'),
      format('xls', 'Excel 2003 Spreadsheet (.xls)'),
      PDF,
    ],
  },
  {
    extensions: ['odp', 'fodp', 'otp', 'pptx', 'pptm', 'potx', 'ppsx', 'ppt', 'pps', 'pot', 'key'],
    formats: [
      format('odp', 'ODF presentation (.odp)'),
      format('pptx', 'PowerPoint Presentation (.pptx)'),
      format('ppt', 'PowerPoint 2003 Presentation (.ppt)'),
      PDF,
    ],
  },
  { extensions: ['odg', 'fodg', 'otg', 'vsd', 'vsdx'], formats: [format('odg', 'ODF Drawing (.odg)'), PDF] },
];

/**
 * The Save As formats for a document with this extension: its family's, with the document's
 * own format first when the family does not list it (a .txt is saved as .txt too).
 */
export const saveAsFormats = (extension: string): SaveAsFormat[] => {
  const ext = extension.toLowerCase();
  const family = FAMILIES.find((f) => f.extensions.includes(ext));
  const own = ext ? [format(ext, `Same format (.${ext})`)] : [];
  if (!family) return own;

  return family.formats.some((f) => f.extension === ext) ? family.formats : [...own, ...family.formats];
};
