import { randomInt } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { z } from 'zod';

import { PASSWORD_MAX_BYTES, PASSWORD_MIN_LENGTH } from '@/lib/users/password-rules';

export { PASSWORD_MAX_BYTES, PASSWORD_MIN_LENGTH };
export const BCRYPT_COST = 12;
// No 0/O, 1/l/I: a generated password is read off a screen and typed in by someone else.
const GENERATED_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
// 16 characters from 56: about 93 bits.
const GENERATED_LENGTH = 16;

/** The UTF-8 length of `password` in bytes (what bcrypt counts). */
export const passwordBytes = (password: string) => Buffer.byteLength(password, 'utf8');

/** Whether bcrypt would use every byte of `password` (at most PASSWORD_MAX_BYTES in UTF-8). */
export const isPasswordWithinBcrypt = (password: string) => passwordBytes(password) <= PASSWORD_MAX_BYTES;

/**
 * A password someone sets: at least PASSWORD_MIN_LENGTH characters and at most
 * PASSWORD_MAX_BYTES UTF-8 bytes. The byte rule is a custom issue whose params
 * `{ rule: 'too_long', bound: 72, unit: 'bytes' }` lib/validation-details.ts passes on as details.
 */
export const passwordSchema = z
  .string({ message: 'Enter a password.' })
  .min(PASSWORD_MIN_LENGTH, `The password must be at least ${PASSWORD_MIN_LENGTH} characters.`)
  .superRefine((password, context) => {
    if (isPasswordWithinBcrypt(password)) return;
    context.addIssue({
      code: 'custom',
      message: `The password must be at most ${PASSWORD_MAX_BYTES} bytes (UTF-8: letters such as ä take 2, Chinese characters 3); this one is ${passwordBytes(password)}.`,
      params: { rule: 'too_long', bound: PASSWORD_MAX_BYTES, unit: 'bytes' },
    });
  });

/** A random password from node:crypto (uniform per character), shown to a person once. */
export const generatePassword = () =>
  Array.from({ length: GENERATED_LENGTH }, () => GENERATED_ALPHABET[randomInt(GENERATED_ALPHABET.length)]).join('');

/** The bcrypt hash of `password` (the caller has checked it with passwordSchema). */
export const hashPassword = (password: string) => bcrypt.hash(password, BCRYPT_COST);

/**
 * Whether `password` is the one `hash` was made from. A password over PASSWORD_MAX_BYTES never
 * matches (bcrypt would compare only its first 72 bytes), after the same bcrypt work as any
 * other, so timing tells nothing.
 */
export const isPasswordMatch = async (password: string, hash: string) => {
  const isWithin = isPasswordWithinBcrypt(password);
  const isMatch = await bcrypt.compare(isWithin ? password : password.slice(0, PASSWORD_MAX_BYTES), hash);

  return isWithin && isMatch;
};
