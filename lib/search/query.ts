import { nextDay, startOfDayIn } from '@/lib/audit/time-zone';
import { sql } from '@/lib/db';
import type { DocumentSummary } from '@/lib/documents/types';
import { extensionsOfType } from '@/lib/search/kinds';
import { visibleConditions } from '@/lib/search/visible-sql';
import { SEARCH_PAGE_SIZE, SEARCH_RESULTS_MAX, type SearchFilter } from '@/lib/search/params';

export type SearchPage = {
  results: DocumentSummary[];
  /** Matching documents, counted up to SEARCH_RESULTS_MAX + 1: more than the maximum is "capped". */
  total: number;
  isTotalCapped: boolean;
  page: number;
  pageSize: number;
  /** Pages that can be shown (the results past SEARCH_RESULTS_MAX never are). */
  pageCount: number;
};

type Row = Omit<DocumentSummary, 'size'> & { size: string };

// wopi_search_fold(name), stored by Postgres and indexed by "Document_searchName_trgm_idx".
const FOLDED_NAME = 'd."searchName"';

/**
 * The WHERE clause of a search: visible documents only (as VISIBLE in lib/documents/queries.ts:
 * not deleted, not missing), the name containing the query (folded: case and accents ignored,
 * LIKE wildcards in it escaped after folding), and the filters. `param` appends a value.
 */
const whereOf = (filter: SearchFilter, param: (value: unknown) => string) => {
  const conditions = visibleConditions();
  if (filter.q) {
    const folded = `wopi_search_fold(${param(filter.q)})`;
    // A query of accents alone (combining marks) folds to '': LIKE '%%' would list every document.
    conditions.push(`${folded} <> ''`);
    conditions.push(
      `${FOLDED_NAME} LIKE '%' || replace(replace(replace(${folded}, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'`,
    );
  }
  if (filter.type) {
    const extensions = extensionsOfType(filter.type) ?? [];
    conditions.push(
      extensions.length === 1
        ? `d.extension = ${param(extensions[0])}`
        : `d.extension = ANY(${param(extensions)}::text[])`,
    );
  }
  if (filter.modifiedBy) conditions.push(`d."lastModifiedById" = ${param(filter.modifiedBy)}::uuid`);
  if (filter.from) conditions.push(`d."lastModifiedAt" >= ${param(startOfDayIn(filter.from, filter.timeZone))}`);
  if (filter.to) conditions.push(`d."lastModifiedAt" < ${param(startOfDayIn(nextDay(filter.to), filter.timeZone))}`);

  return conditions.join(' AND ');
};

const statement = () => {
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);

    return `$${values.length}`;
  };

  return { values, param };
};

/**
 * One page (SEARCH_PAGE_SIZE) of the visible documents in every folder that match `filter`,
 * with the count of matches up to SEARCH_RESULTS_MAX + 1. Two bounded statements on the shared
 * pool, run side by side; the name condition is served by the trigram index. A database that is
 * down or too slow throws DependencyUnavailableError (503 at the API).
 */
const SELECT_COLUMNS = `d.id, d.name, d.folder, d.extension, d.size::text AS size, d.version, d."lastModifiedAt",
              u.name AS "lastModifiedBy"`;

/**
 * The page's statement. By date: newest first. By relevance: the name equal to the query first,
 * then names starting with it, then the rest; within each, the SEARCH_RESULTS_MAX shortest
 * names (every result a search can show) are ordered by trigram similarity to the query (a
 * whole-word match beats a part of a longer word), then newest. Computing similarity for those
 * candidates only, not for every match, keeps a common word bounded (12,000 matches in 100,000
 * names: about 100 → 45 ms on a loaded 2-core machine). Both orders end with the id, so pages
 * never overlap.
 */
const pageStatement = (filter: SearchFilter) => {
  const { values, param } = statement();
  const where = whereOf(filter, param);
  const limit = param(SEARCH_PAGE_SIZE);
  const offset = param((filter.page - 1) * SEARCH_PAGE_SIZE);
  if (filter.sort === 'modified' || !filter.q) {
    return {
      text: `SELECT ${SELECT_COLUMNS}
               FROM "Document" d LEFT JOIN "User" u ON u.id = d."lastModifiedById"
              WHERE ${where}
              ORDER BY d."lastModifiedAt" DESC, d.id DESC LIMIT ${limit} OFFSET ${offset}`,
      values,
    };
  }
  const folded = `wopi_search_fold(${param(filter.q)})`;
  const candidates = param(SEARCH_RESULTS_MAX);

  return {
    text: `SELECT ${SELECT_COLUMNS}
             FROM (SELECT d.id, d.name, d.folder, d.extension, d.size, d.version, d."lastModifiedAt", d."lastModifiedById",
                          ${FOLDED_NAME}, CASE WHEN ${FOLDED_NAME} = ${folded} THEN 0
                                    WHEN starts_with(${FOLDED_NAME}, ${folded}) THEN 1 ELSE 2 END AS tier
                     FROM "Document" d
                    WHERE ${where}
                    ORDER BY tier, length(${FOLDED_NAME}), d."lastModifiedAt" DESC, d.id DESC
                    LIMIT ${candidates}) d
             LEFT JOIN "User" u ON u.id = d."lastModifiedById"
            ORDER BY d.tier, similarity(${FOLDED_NAME}, ${folded}) DESC, d."lastModifiedAt" DESC, d.id DESC
            LIMIT ${limit} OFFSET ${offset}`,
    values,
  };
};

/**
 * One page (SEARCH_PAGE_SIZE) of the visible documents in every folder that match `filter`,
 * with the count of matches up to SEARCH_RESULTS_MAX + 1. Two bounded statements on the shared
 * pool, run side by side; the name condition is served by the trigram index. A database that is
 * down or too slow throws DependencyUnavailableError (503 at the API).
 */
export const searchDocuments = async (filter: SearchFilter): Promise<SearchPage> => {
  const pageQuery = pageStatement(filter);
  const countQuery = statement();
  const countWhere = whereOf(filter, countQuery.param);
  const countLimit = countQuery.param(SEARCH_RESULTS_MAX + 1);
  const [page, count] = await Promise.all([
    sql<Row>(pageQuery.text, pageQuery.values),
    sql<{ total: number }>(
      `SELECT count(*)::int AS total FROM (SELECT 1 FROM "Document" d WHERE ${countWhere} LIMIT ${countLimit}) matches`,
      countQuery.values,
    ),
  ]);
  const counted = count.rows[0]?.total ?? 0;
  const total = Math.min(counted, SEARCH_RESULTS_MAX);

  return {
    results: page.rows.map((row) => ({ ...row, size: Number(row.size) })),
    total,
    isTotalCapped: counted > SEARCH_RESULTS_MAX,
    page: filter.page,
    pageSize: SEARCH_PAGE_SIZE,
    pageCount: Math.max(1, Math.ceil(total / SEARCH_PAGE_SIZE)),
  };
};

/** The users a search can be narrowed to ("modified by"): every account's id and name (no email), by name, at most 500. */
export const listSearchableUsers = async () => {
  const { rows } = await sql<{ id: string; name: string }>(
    'SELECT id, name FROM "User" ORDER BY lower(name), id LIMIT 500',
  );

  return rows;
};
