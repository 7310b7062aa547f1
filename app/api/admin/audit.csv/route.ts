import { withAdmin } from '@/lib/api/handler';
import { auditCsvResponse } from '@/lib/audit/csv';
import { auditQueryOf } from '@/lib/audit/request';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Every event of the /admin/audit filter as a CSV download, streamed in keyset batches. */
export const GET = withAdmin(({ request }) => auditCsvResponse(auditQueryOf(request).filter));
