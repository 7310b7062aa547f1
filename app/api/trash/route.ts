import { trashActions } from '@/lib/api/files/actions';
import { withUser } from '@/lib/api/handler';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** GET → {entries: [{kind: document|folder, id, name, folder, documents, size, deletedAt, deletedBy}]}, newest first. */
export const GET = withUser(async () => Response.json(await trashActions.list()));
