import { randomUUID } from 'node:crypto';
import { encode } from 'next-auth/jwt';
import { env } from '@/lib/env';
import { createUser, type PublicUser } from '@/lib/users/users';

export const makeUser = async (role: 'admin' | 'editor' | 'viewer' = 'admin'): Promise<PublicUser> =>
  createUser({ email: `${role}-${randomUUID()}@test.example`, password: 'correct horse battery', role });

/** A next-auth session cookie for `user`, as the sign-in flow would set it. */
export const sessionCookie = async (user: PublicUser) => {
  const token = await encode({
    token: { sub: user.id, uid: user.id, role: user.role, email: user.email, name: user.name },
    secret: env.AUTH_SECRET!,
  });

  return `next-auth.session-token=${token}`;
};

export const emptyContext = { params: Promise.resolve({}) };
