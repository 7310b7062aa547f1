import { withAdmin } from '@/lib/api/handler';
import { auditPageJson } from '@/lib/audit/page-json';
import { listAuditPage } from '@/lib/audit/query';
import { auditQueryOf } from '@/lib/audit/request';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** One page of the audit log (50 events, newest first); the /admin/audit filters; ?before= / ?after= cursors. */
export const GET = withAdmin(async ({ request }) =>
  Response.json(auditPageJson(await listAuditPage(auditQueryOf(request))), {
    headers: { 'Cache-Control': 'no-store' },
  }),
);
