import { withUser } from '@/lib/api/handler';
import { versionsJson } from '@/lib/api/documents/versions';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** A document's versions, newest first (any signed-in user). */
export const GET = withUser<{ id: string }>(async ({ params }) => Response.json(await versionsJson(params.id)));
