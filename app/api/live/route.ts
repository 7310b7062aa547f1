export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Liveness: constant JSON, no I/O (also the framework-overhead baseline of the benchmark). */
export const GET = () => Response.json({ status: 'live' }, { headers: { 'Cache-Control': 'no-store' } });
