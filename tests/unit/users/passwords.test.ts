import { describe, expect, it } from 'vitest';
import { localizedErrorMessage } from '@/lib/api/localized-error';
import {
  generatePassword,
  hashPassword,
  isPasswordMatch,
  passwordSchema,
  PASSWORD_MAX_BYTES,
  PASSWORD_MIN_LENGTH,
} from '@/lib/users/passwords';
import { validationDetails } from '@/lib/validation-details';

describe('generatePassword', () => {
  it('16 characters without look-alikes (0 O 1 l I), different every time', () => {
    const passwords = Array.from({ length: 200 }, generatePassword);
    for (const password of passwords) expect(password).toMatch(/^[A-HJ-NP-Za-km-z2-9]{16}$/);
    expect(new Set(passwords).size).toBe(passwords.length);
  });

  it('passes the password rules it is checked against', () => {
    expect(passwordSchema.safeParse(generatePassword()).success).toBe(true);
  });
});

describe('passwordSchema', () => {
  it.each([
    ['7 characters', 'x'.repeat(7), 'The password must be at least 8 characters.'],
    [
      '73 ASCII characters (73 bytes)',
      'x'.repeat(73),
      'The password must be at most 72 bytes (UTF-8: letters such as ä take 2, Chinese characters 3); this one is 73.',
    ],
    ['a number', 12345678, 'Enter a password.'],
  ])('%s → refused with a message for people', (_label, value, message) => {
    const parsed = passwordSchema.safeParse(value);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe(message);
  });

  it(`${PASSWORD_MIN_LENGTH} characters and ${PASSWORD_MAX_BYTES} ASCII characters → accepted`, () => {
    expect(passwordSchema.safeParse('x'.repeat(PASSWORD_MIN_LENGTH)).success).toBe(true);
    expect(passwordSchema.safeParse('x'.repeat(PASSWORD_MAX_BYTES)).success).toBe(true);
  });

  it('counts UTF-8 bytes, not characters: 36 × "ä" (72 bytes) passes, 37 × "ä" and 25 × "密" (75 bytes) do not', () => {
    expect(passwordSchema.safeParse('ä'.repeat(36)).success).toBe(true);
    expect(passwordSchema.safeParse('ä'.repeat(37)).success).toBe(false);
    expect(passwordSchema.safeParse('密'.repeat(24)).success).toBe(true);
    expect(passwordSchema.safeParse('密'.repeat(25)).success).toBe(false);
    expect(passwordSchema.safeParse('🔑'.repeat(19)).success).toBe(false);
  });

  it('a too-long password → details rule too_long, bound 72, unit bytes; German and French say bytes', () => {
    const parsed = passwordSchema.safeParse('ü'.repeat(40));
    const details = { ...validationDetails(parsed.error!), field: 'newPassword' };
    expect(details).toMatchObject({ rule: 'too_long', bound: 72, unit: 'bytes' });
    expect(localizedErrorMessage('de', 'invalid_password', details, details.problem)).toBe(
      'Neues Passwort: höchstens 72 Bytes (UTF-8: ä, ö, ü und ß zählen doppelt, chinesische Zeichen dreifach).',
    );
    expect(localizedErrorMessage('fr', 'invalid_password', details, details.problem)).toBe(
      'Nouveau mot de passe : au plus 72 octets (UTF-8 : é, à ou ç en comptent 2, un caractère chinois 3).',
    );
    expect(localizedErrorMessage('en', 'invalid_password', details, details.problem)).toBe(details.problem);
    // A length in characters keeps its wording.
    const name = { field: 'name', rule: 'too_long', bound: 100, problem: '…' };
    expect(localizedErrorMessage('de', 'invalid_user', name, '…')).toBe('Name: höchstens 100 Zeichen.');
  });
});

describe('isPasswordMatch', () => {
  it('"a" × 100 set somehow (an old hash) does not match "a" × 72 + "DIFFERENT", nor itself: over 72 bytes never matches', async () => {
    const hash = await hashPassword('a'.repeat(72));
    expect(await isPasswordMatch('a'.repeat(72), hash)).toBe(true);
    expect(await isPasswordMatch(`${'a'.repeat(72)}DIFFERENT`, hash)).toBe(false);
    expect(await isPasswordMatch('a'.repeat(100), hash)).toBe(false);
  });
});
