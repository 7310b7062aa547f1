import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { headers } from 'next/headers';
import { safeRedirectUrl } from '@/lib/auth/callback-url';
import { CLIENT_ADDRESS_HEADER } from '@/lib/auth/client-address';
import { signInWithPassword, TooManyAttemptsError } from '@/lib/auth/sign-in';
import { recordSignOut } from '@/lib/auth/sign-in-audit';
import { env } from '@/lib/env';
import type { Role } from '@/lib/generated/prisma/client';
import { log } from '@/lib/log';

export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

/** The client address of the request being handled (set by the portal listener), if any. */
const requestClientAddress = async () => {
  try {
    return (await headers()).get(CLIENT_ADDRESS_HEADER) ?? undefined;
  } catch {
    return undefined; // outside a request (a test calling next-auth's callbacks directly)
  }
};

declare module 'next-auth' {
  interface Session {
    user: { id: string; email: string; name: string; role: Role };
    /** When this session signed in (epoch ms): sessions from before a password reset or disabling are refused. */
    signedInAt?: number;
  }
  interface User {
    role: Role;
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    uid?: string;
    role?: Role;
    signedInAt?: number;
  }
}

/** next-auth v4, credentials + JWT sessions (the only session kind credentials support). */
export const authOptions: NextAuthOptions = {
  secret: env.AUTH_SECRET,
  session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: '/login' },
  providers: [
    CredentialsProvider({
      name: 'Email and password',
      credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
      // A thrown message reaches the browser (next-auth's ?error=): only the rate limit's is shown.
      authorize: async (credentials, req) => {
        if (!credentials?.email || !credentials.password) return null;
        const address: unknown = (req.headers as Record<string, unknown> | undefined)?.[CLIENT_ADDRESS_HEADER];
        try {
          const user = await signInWithPassword({
            email: credentials.email,
            password: credentials.password,
            clientAddress: typeof address === 'string' ? address : undefined,
          });

          return user ? { id: user.id, email: user.email, name: user.name, role: user.role } : null;
        } catch (error) {
          if (error instanceof TooManyAttemptsError) throw error;
          log.error({ err: error }, 'sign-in failed');
          throw new Error('SignInFailed');
        }
      },
    }),
  ],
  events: {
    // Sign-ins are recorded by signInWithPassword (it also sees the failures).
    signOut: async ({ token }) => recordSignOut({ userId: token?.uid, clientAddress: await requestClientAddress() }),
  },
  callbacks: {
    // callbackUrl (from the sign-in and sign-out forms) only as a plain path on this site.
    redirect: ({ url, baseUrl }) => safeRedirectUrl({ url, baseUrl }),
    jwt: ({ token, user }) => {
      if (user) {
        token.uid = user.id;
        token.role = user.role;
        token.signedInAt = Date.now();
      }

      return token;
    },
    session: ({ session, token }) => ({
      ...session,
      user: { id: token.uid ?? '', email: token.email ?? '', name: token.name ?? '', role: token.role ?? 'viewer' },
      signedInAt: token.signedInAt,
    }),
  },
};
