import { recordAudit } from '@/lib/audit/audit';
import { findUserByEmail, type CredentialsRefusal } from '@/lib/users/users';

export const SIGN_IN_ACTION = 'auth.sign_in';
export const SIGN_OUT_ACTION = 'auth.sign_out';

/** Why a sign-in failed, as recorded in the event's `details.reason`. */
export type SignInRefusal = CredentialsRefusal | 'rate_limited';

// Emails are at most a few hundred characters; a longer "email" is cut (it is someone's input).
const EMAIL_MAX = 320;

/**
 * Records one sign-in attempt as an `auth.sign_in` audit event: outcome `success` without a
 * refusal, `denied` when the rate limit refused it (the password was not checked), `failure`
 * otherwise. `details` hold the reason, the email as typed (trimmed, lower case, at most 320
 * characters) and the client address; never the password. The user is the account the email
 * names, when there is one, so the audit page's user filter finds failed attempts too.
 */
export const recordSignIn = async ({
  email,
  clientAddress,
  refusal,
  userId,
  retryAfterSeconds,
}: {
  email: string;
  clientAddress?: string;
  refusal?: SignInRefusal;
  userId?: string;
  retryAfterSeconds?: number;
}) => {
  const typed = email.trim().toLowerCase().slice(0, EMAIL_MAX);
  const accountId =
    userId ?? (refusal === 'rate_limited' ? (await findUserByEmail(typed).catch(() => null))?.id : undefined);
  await recordAudit({
    action: SIGN_IN_ACTION,
    outcome: !refusal ? 'success' : refusal === 'rate_limited' ? 'denied' : 'failure',
    userId: accountId ?? null,
    details: {
      ...(refusal ? { reason: refusal } : {}),
      email: typed,
      address: clientAddress ?? null,
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    },
  });
};

/** Records a sign-out (next-auth's signOut event) for the session's user, with the client address. */
export const recordSignOut = async ({
  userId,
  clientAddress,
}: {
  userId: string | undefined;
  clientAddress?: string;
}) => {
  await recordAudit({
    action: SIGN_OUT_ACTION,
    outcome: 'success',
    userId: userId ?? null,
    details: { address: clientAddress ?? null },
  });
};
