import { randomInt } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { z } from 'zod';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 200;
export const BCRYPT_COST = 12;
// No 0/O, 1/l/I: a generated password is read off a screen and typed in by someone else.
const GENERATED_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
// 16 characters from 56: about 93 bits.
const GENERATED_LENGTH = 16;

export const passwordSchema = z
  .string({ message: 'Enter a password.' })
  .min(PASSWORD_MIN_LENGTH, `The password must be at least ${PASSWORD_MIN_LENGTH} characters.`)
  .max(PASSWORD_MAX_LENGTH, `The password must be at most ${PASSWORD_MAX_LENGTH} characters.`);

/** A random password from node:crypto (uniform per character), shown to a person once. */
export const generatePassword = () =>
  Array.from({ length: GENERATED_LENGTH }, () => GENERATED_ALPHABET[randomInt(GENERATED_ALPHABET.length)]).join('');

export const hashPassword = (password: string) => bcrypt.hash(password, BCRYPT_COST);

export const isPasswordMatch = (password: string, hash: string) => bcrypt.compare(password, hash);
