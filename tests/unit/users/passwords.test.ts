import { describe, expect, it } from 'vitest';
import { generatePassword, passwordSchema, PASSWORD_MIN_LENGTH } from '@/lib/users/passwords';

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
    ['201 characters', 'x'.repeat(201), 'The password must be at most 200 characters.'],
    ['a number', 12345678, 'Enter a password.'],
  ])('%s → refused with a message for people', (_label, value, message) => {
    const parsed = passwordSchema.safeParse(value);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe(message);
  });

  it(`${PASSWORD_MIN_LENGTH} characters → accepted`, () => {
    expect(passwordSchema.safeParse('x'.repeat(PASSWORD_MIN_LENGTH)).success).toBe(true);
  });
});
