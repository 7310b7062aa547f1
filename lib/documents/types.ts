export type DocumentSummary = {
  id: string;
  name: string;
  folder: string;
  extension: string;
  size: number;
  version: number;
  lastModifiedAt: Date;
  lastModifiedBy: string | null;
};

export const SORT_FIELDS = ['name', 'modified', 'size'] as const;
export type SortField = (typeof SORT_FIELDS)[number];
export type SortDirection = 'asc' | 'desc';

export type ConflictMode = 'fail' | 'replace' | 'rename';
