import { withAdmin } from '@/lib/api/handler';
import { editorDiagnostics } from '@/lib/discovery/diagnostics';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Fetches every editor's discovery now; answers each editor's state. */
export const POST = withAdmin(async () => Response.json({ editors: await editorDiagnostics({ refresh: true }) }));
