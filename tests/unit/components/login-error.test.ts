import { createTranslator } from 'next-intl';
import { describe, expect, it } from 'vitest';
import { loginErrorMessage } from '@/components/login-error';
import de from '@/messages/de.json';
import en from '@/messages/en.json';
import fr from '@/messages/fr.json';

const say = (locale: 'en' | 'de' | 'fr', error: string | null) => {
  const t = createTranslator({ locale, messages: { en, de, fr }[locale], namespace: 'login' });
  const refusal = loginErrorMessage(error);

  return refusal.key === 'tooManyAttempts' ? t(refusal.key, { seconds: refusal.seconds }) : t(refusal.key);
};

describe('loginErrorMessage: the sign-in form’s refusal in the page’s language', () => {
  it('the rate limit’s "Too many attempts, try again in 42 s." → the same in English, German and French', () => {
    const refused = 'Too many attempts, try again in 42 s.';
    expect(say('en', refused)).toBe(refused);
    expect(say('de', refused)).toBe('Zu viele Versuche, versuchen Sie es in 42 s erneut.');
    expect(say('fr', refused)).toBe('Trop de tentatives, réessayez dans 42 s.');
  });

  it('CredentialsSignin or nothing → wrongCredentials; anything else → failed', () => {
    expect(loginErrorMessage('CredentialsSignin')).toEqual({ key: 'wrongCredentials' });
    expect(loginErrorMessage(null)).toEqual({ key: 'wrongCredentials' });
    expect(loginErrorMessage('Configuration')).toEqual({ key: 'failed' });
    expect(loginErrorMessage('Too many attempts, soon')).toEqual({ key: 'failed' });
  });
});
