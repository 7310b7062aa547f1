import { VISIBLE } from '@/lib/documents/queries';

/**
 * VISIBLE (lib/documents/queries.ts: not deleted, not missing) as SQL conditions on the
 * "Document" alias `d`, so plain-SQL reads hide exactly what the Prisma listings hide. Every
 * VISIBLE field is a "must be null" column; anything else fails the type check here.
 */
export const visibleConditions = (alias = 'd') =>
  Object.entries(VISIBLE satisfies Record<string, null>).map(([column]) => `${alias}."${column}" IS NULL`);
