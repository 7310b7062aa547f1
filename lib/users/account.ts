import { z } from 'zod';
import { recordAudit } from '@/lib/audit/audit';
import { db } from '@/lib/db';
import { invalidInput } from '@/lib/errors';
import { hashPassword, passwordSchema } from '@/lib/users/passwords';
import { invalidInputOf, REPORT_INPUT } from '@/lib/validation-details';

const changeSchema = z.object({
  currentPassword: z.string({ message: 'Enter your current password.' }).min(1, 'Enter your current password.'),
  newPassword: passwordSchema,
});

/**
 * A signed-in user sets a new password. `isCurrentPassword` checks the current one (the session
 * edge checks it like a sign-in, with the same failure limit, so a stolen session cannot be used
 * to guess it). Every session of the user signed in before now ends; the caller renews the
 * current one with the returned `signedInAt`. Records `user.password_changed`.
 */
export const changeOwnPassword = async ({
  user,
  input,
  isCurrentPassword,
}: {
  user: { id: string; email: string };
  input: unknown;
  isCurrentPassword: (password: string) => Promise<boolean>;
}) => {
  const parsed = changeSchema.safeParse(input ?? {}, REPORT_INPUT);
  if (!parsed.success) throw invalidInputOf('invalid_password', parsed.error);
  const { currentPassword, newPassword } = parsed.data;
  if (!(await isCurrentPassword(currentPassword)))
    throw invalidInput('wrong_password', 'The current password is not correct.');
  const now = new Date();
  await db.user.update({
    where: { id: user.id },
    data: { passwordHash: await hashPassword(newPassword), sessionsValidAfter: now },
  });
  await recordAudit({
    action: 'user.password_changed',
    outcome: 'success',
    userId: user.id,
    details: { targetUserId: user.id, email: user.email, via: 'portal' },
  });

  return { signedInAt: now.getTime() };
};
