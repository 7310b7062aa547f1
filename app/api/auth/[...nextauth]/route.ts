import NextAuth from 'next-auth';
import { guardNextAuth } from '@/lib/auth/next-auth-route';
import { authOptions } from '@/lib/auth/options';

export const runtime = 'nodejs';

// next-auth v4 types its App Router handler loosely.
const handler = guardNextAuth(NextAuth(authOptions) as (request: Request, context: unknown) => Promise<Response>);

export { handler as GET, handler as POST };
