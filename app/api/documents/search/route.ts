import { withUser } from '@/lib/api/handler';
import { invalidInput } from '@/lib/errors';
import { hasCriteria } from '@/lib/search/params';
import { searchDocuments } from '@/lib/search/query';
import { searchFilterOf, searchPageJson } from '@/lib/search/request';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Any signed-in user: visible documents in every folder by name and filters (lib/search/params.ts), 50 a page. */
export const GET = withUser(async ({ request }) => {
  const filter = searchFilterOf(request);
  if (!hasCriteria(filter))
    throw invalidInput('invalid_search', 'Give a name to search for (q) or a filter.', { rule: 'no_criteria' });

  return Response.json(searchPageJson(await searchDocuments(filter)), { headers: { 'Cache-Control': 'no-store' } });
});
