import bcrypt from 'bcryptjs';
import { z } from 'zod';
import { conflictError, invalidInput } from '@/lib/errors';
import { db } from '@/lib/db';
import { Prisma, type Role } from '@/lib/generated/prisma/client';

export const ROLES = ['admin', 'editor', 'viewer'] as const satisfies readonly Role[];
const BCRYPT_COST = 12;
// Compared against when the email is unknown, so both paths cost one bcrypt.
const DUMMY_HASH = bcrypt.hashSync('not-a-real-password', BCRYPT_COST);

export const newUserSchema = z.object({
  email: z.email('Enter a valid email address.').transform((email) => email.toLowerCase()),
  name: z.string().trim().min(1).max(100).optional(),
  password: z.string().min(8, 'The password must be at least 8 characters.').max(200),
  role: z.enum(ROLES, { message: `The role must be one of ${ROLES.join(', ')}.` }),
});
export type NewUser = z.input<typeof newUserSchema>;

export type PublicUser = { id: string; email: string; name: string; role: Role; createdAt: Date };
const publicSelect = { id: true, email: true, name: true, role: true, createdAt: true } satisfies Prisma.UserSelect;

export const createUser = async (input: NewUser): Promise<PublicUser> => {
  const parsed = newUserSchema.safeParse(input);
  if (!parsed.success) throw invalidInput('invalid_user', parsed.error.issues.map((issue) => issue.message).join(' '));
  const { email, name, password, role } = parsed.data;
  try {
    return await db.user.create({
      data: { email, name: name ?? email.split('@')[0]!, role, passwordHash: await bcrypt.hash(password, BCRYPT_COST) },
      select: publicSelect,
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      throw conflictError('user_exists', `A user with email ${email} already exists.`);
    }
    throw error;
  }
};

export const listUsers = () => db.user.findMany({ select: publicSelect, orderBy: { email: 'asc' } });

export const getUserById = (id: string) => db.user.findUnique({ where: { id }, select: publicSelect });

export const findUserByEmail = (email: string) =>
  db.user.findUnique({ where: { email: email.toLowerCase() }, select: publicSelect });

/** The user for these credentials, or null; takes the same time whether or not the email exists. */
export const verifyCredentials = async (email: string, password: string): Promise<PublicUser | null> => {
  const row = await db.user.findUnique({
    where: { email: email.trim().toLowerCase() },
    select: { ...publicSelect, passwordHash: true },
  });
  const isValid = await bcrypt.compare(password, row?.passwordHash ?? DUMMY_HASH);
  if (!row || !isValid) return null;
  const { passwordHash: _hash, ...user } = row;

  return user;
};

export const countUsers = () => db.user.count();
