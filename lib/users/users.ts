import bcrypt from 'bcryptjs';
import { z } from 'zod';
import { conflictError } from '@/lib/errors';
import { db } from '@/lib/db';
import { Prisma, type Role } from '@/lib/generated/prisma/client';
import { BCRYPT_COST, hashPassword, isPasswordMatch, passwordSchema } from '@/lib/users/passwords';
import { invalidInputOf, REPORT_INPUT } from '@/lib/validation-details';

export const ROLES = ['admin', 'editor', 'viewer'] as const satisfies readonly Role[];
// Compared against when the email is unknown, so both paths cost one bcrypt.
const DUMMY_HASH = bcrypt.hashSync('not-a-real-password', BCRYPT_COST);

export const newUserSchema = z.object({
  email: z.email('Enter a valid email address.').transform((email) => email.toLowerCase()),
  name: z.string().trim().min(1).max(100, 'The name must be at most 100 characters.').optional(),
  password: passwordSchema,
  role: z.enum(ROLES, { message: `The role must be one of ${ROLES.join(', ')}.` }),
});
export type NewUser = z.input<typeof newUserSchema>;

export type PublicUser = { id: string; email: string; name: string; role: Role; createdAt: Date };
export const publicSelect = {
  id: true,
  email: true,
  name: true,
  role: true,
  createdAt: true,
} satisfies Prisma.UserSelect;

export const createUser = async (input: NewUser): Promise<PublicUser> => {
  const parsed = newUserSchema.safeParse(input, REPORT_INPUT);
  if (!parsed.success) throw invalidInputOf('invalid_user', parsed.error);
  const { email, name, password, role } = parsed.data;
  try {
    return await db.user.create({
      data: { email, name: name ?? email.split('@')[0]!, role, passwordHash: await hashPassword(password) },
      select: publicSelect,
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      throw conflictError('user_exists', `A user with email ${email} already exists.`, { email });
    }
    throw error;
  }
};

export const listUsers = () => db.user.findMany({ select: publicSelect, orderBy: { email: 'asc' } });

export const getUserById = (id: string) => db.user.findUnique({ where: { id }, select: publicSelect });

export const findUserByEmail = (email: string) =>
  db.user.findUnique({ where: { email: email.toLowerCase() }, select: publicSelect });

/**
 * The user of a session signed in at `signedInAt` (epoch ms; 0 when the session predates the
 * claim), or null when the account is disabled or its sessions were ended after that: checked on
 * every request, so disabling or a password reset ends sessions at once, not when cookies expire.
 */
export const getSessionUser = ({ id, signedInAt = 0 }: { id: string; signedInAt?: number }) =>
  db.user.findFirst({
    where: {
      id,
      disabledAt: null,
      OR: [{ sessionsValidAfter: null }, { sessionsValidAfter: { lte: new Date(signedInAt) } }],
    },
    select: { ...publicSelect, locale: true },
  });

/** Why a sign-in was refused (for the audit log only: the login form never tells them apart). */
export type CredentialsRefusal = 'unknown_email' | 'wrong_password' | 'disabled';

/**
 * Checks credentials: `{ user }`, or `{ user: null, reason, userId? }` (userId when the email
 * names an account). Takes one bcrypt whether or not the email exists, so timing gives no hint;
 * a disabled account is reported as `disabled` only when the password is right.
 */
export const checkCredentials = async (
  email: string,
  password: string,
): Promise<{ user: PublicUser } | { user: null; reason: CredentialsRefusal; userId?: string }> => {
  const row = await db.user.findUnique({
    where: { email: email.trim().toLowerCase() },
    select: { ...publicSelect, passwordHash: true, disabledAt: true },
  });
  const isValid = await isPasswordMatch(password, row?.passwordHash ?? DUMMY_HASH);
  if (!row) return { user: null, reason: 'unknown_email' };
  if (!isValid) return { user: null, reason: 'wrong_password', userId: row.id };
  if (row.disabledAt) return { user: null, reason: 'disabled', userId: row.id };
  const { passwordHash: _hash, disabledAt: _disabledAt, ...user } = row;

  return { user };
};

/**
 * The user for these credentials, or null (also for a disabled account, after the same bcrypt:
 * no hint which accounts exist or are disabled); takes the same time whether or not the email exists.
 */
export const verifyCredentials = async (email: string, password: string): Promise<PublicUser | null> =>
  (await checkCredentials(email, password)).user;

export const countUsers = () => db.user.count();
