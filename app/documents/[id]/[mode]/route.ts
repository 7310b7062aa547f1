import { openDocumentPage } from '@/lib/host-page/open';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** The editor host page: /documents/:id/view and /documents/:id/edit (a route: it sets its own CSP). */
export const GET = async (request: Request, { params }: { params: Promise<{ id: string; mode: string }> }) => {
  const { id, mode } = await params;

  return openDocumentPage(request, id, mode);
};
