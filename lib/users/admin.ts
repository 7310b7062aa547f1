import { z } from 'zod';
import { recordAudit } from '@/lib/audit/audit';
import { db, type Tx } from '@/lib/db';
import { notFoundError } from '@/lib/errors';
import type { Prisma } from '@/lib/generated/prisma/client';
import { assertNotLastAdmin, lockActiveAdmins } from '@/lib/users/last-admin';
import { generatePassword, hashPassword, passwordSchema } from '@/lib/users/passwords';
import { createUser, newUserSchema, publicSelect, ROLES, type PublicUser } from '@/lib/users/users';
import { invalidInputOf, REPORT_INPUT } from '@/lib/validation-details';

/** Who changes a user: a signed-in admin in the portal, or a shell (`npm run cli`, no user). */
export type Actor = { id: string | null; via: 'portal' | 'cli' };

export type AdminUser = PublicUser & { disabledAt: Date | null };
const adminSelect = { ...publicSelect, disabledAt: true } satisfies Prisma.UserSelect;

const idSchema = z.guid();
const addSchema = newUserSchema.extend({ password: passwordSchema.optional() });
const roleSchema = z.object({
  role: z.enum(ROLES, { message: `The role must be one of ${ROLES.join(', ')}.` }),
});
const resetSchema = z.object({ password: passwordSchema.optional() });

/** Parses `input`; a refusal is `invalid_password` when its first problem is the password, else `invalid_user`. */
const parse = <T>(schema: z.ZodType<T>, input: unknown): T => {
  const parsed = schema.safeParse(input ?? {}, REPORT_INPUT);
  if (!parsed.success)
    throw invalidInputOf(
      parsed.error.issues[0]?.path[0] === 'password' ? 'invalid_password' : 'invalid_user',
      parsed.error,
    );

  return parsed.data;
};

const audit = (action: string, actor: Actor, user: { id: string; email: string }, details: object = {}) =>
  recordAudit({
    action,
    outcome: 'success',
    userId: actor.id,
    details: { targetUserId: user.id, email: user.email, via: actor.via, ...details },
  });

/** The user row, locked for the rest of the transaction, or a not-found error. */
const lockUser = async (tx: Tx, id: string) => {
  const isLocked = idSchema.safeParse(id).success
    ? (await tx.$queryRaw<unknown[]>`SELECT 1 FROM "User" WHERE id = ${id}::uuid FOR UPDATE`).length === 1
    : false;
  const user = isLocked ? await tx.user.findUnique({ where: { id }, select: adminSelect }) : null;
  if (!user) throw notFoundError('No such user.', { what: 'user' });

  return user;
};

const isActiveAdmin = (user: AdminUser) => user.role === 'admin' && !user.disabledAt;

export const listUsersForAdmin = (): Promise<AdminUser[]> =>
  db.user.findMany({ select: adminSelect, orderBy: { email: 'asc' } });

/**
 * A new user; without a password one is generated and returned (shown once, never stored in
 * clear). Records `user.created`.
 */
export const addUser = async ({ input, actor }: { input: unknown; actor: Actor }) => {
  const { password: typed, ...fields } = parse(addSchema, input);
  const password = typed ?? generatePassword();
  const user = await createUser({ ...fields, password });
  await audit('user.created', actor, user, { role: user.role, generatedPassword: !typed });

  return { user: { ...user, disabledAt: null }, ...(typed ? {} : { password }) };
};

/**
 * Changes a user's role; demoting the last active admin is a `last_admin` conflict (checked and
 * written in one transaction holding the admin rows' locks). Records `user.role_changed`.
 */
export const setUserRole = async ({ id, input, actor }: { id: string; input: unknown; actor: Actor }) => {
  const { role } = parse(roleSchema, input);
  const { user, from } = await db.$transaction(async (tx) => {
    const admins = await lockActiveAdmins(tx);
    const before = await lockUser(tx, id);
    if (before.role === role) return { user: before, from: role };
    if (isActiveAdmin(before)) assertNotLastAdmin(admins, before);
    const after = await tx.user.update({ where: { id }, data: { role }, select: adminSelect });

    return { user: after, from: before.role };
  });
  if (from !== role) await audit('user.role_changed', actor, user, { from, to: role });

  return { user };
};

/**
 * Disables a user: sign-in is refused and their sessions and WOPI tokens stop working at once.
 * The last active admin cannot be disabled (`last_admin`). Records `user.disabled`.
 */
export const disableUser = async ({ id, actor }: { id: string; actor: Actor }) => {
  const { user, isChanged } = await db.$transaction(async (tx) => {
    const admins = await lockActiveAdmins(tx);
    const before = await lockUser(tx, id);
    if (before.disabledAt) return { user: before, isChanged: false };
    if (isActiveAdmin(before)) assertNotLastAdmin(admins, before);
    const now = new Date();
    const after = await tx.user.update({
      where: { id },
      data: { disabledAt: now, sessionsValidAfter: now },
      select: adminSelect,
    });

    return { user: after, isChanged: true };
  });
  if (isChanged) await audit('user.disabled', actor, user);

  return { user };
};

/** Enables a disabled user; sessions from before the disabling stay ended. Records `user.enabled`. */
export const enableUser = async ({ id, actor }: { id: string; actor: Actor }) => {
  const { user, isChanged } = await db.$transaction(async (tx) => {
    const before = await lockUser(tx, id);
    if (!before.disabledAt) return { user: before, isChanged: false };
    const after = await tx.user.update({ where: { id }, data: { disabledAt: null }, select: adminSelect });

    return { user: after, isChanged: true };
  });
  if (isChanged) await audit('user.enabled', actor, user);

  return { user };
};

/**
 * Sets a user's password (the one given, or a generated one that is returned once) and ends
 * their sessions. Records `user.password_reset`.
 */
export const resetUserPassword = async ({ id, input, actor }: { id: string; input: unknown; actor: Actor }) => {
  const { password: typed } = parse(resetSchema, input);
  const password = typed ?? generatePassword();
  const passwordHash = await hashPassword(password);
  const user = await db.$transaction(async (tx) => {
    await lockUser(tx, id);

    return tx.user.update({
      where: { id },
      data: { passwordHash, sessionsValidAfter: new Date() },
      select: adminSelect,
    });
  });
  await audit('user.password_reset', actor, user, { generatedPassword: !typed });

  return { user, ...(typed ? {} : { password }) };
};

/** The user with this email (for the CLI), or a not-found error. */
export const userIdByEmail = async (email: string) => {
  const user = await db.user.findUnique({ where: { email: email.trim().toLowerCase() }, select: { id: true } });
  if (!user) throw notFoundError(`No user with email ${email}.`, { what: 'user_email', email });

  return user.id;
};
