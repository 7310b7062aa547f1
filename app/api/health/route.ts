import { checkHealth } from '@/lib/health';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** 200 `{"db":"ok","storage":"ok"}`, or 503 with the failing dependency marked "unavailable". */
export const GET = async () => {
  const { healthy, ...status } = await checkHealth();

  return Response.json(status, { status: healthy ? 200 : 503, headers: { 'Cache-Control': 'no-store' } });
};
