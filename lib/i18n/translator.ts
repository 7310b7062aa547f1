import { createTranslator } from 'next-intl';
import de from '@/messages/de.json';
import en from '@/messages/en.json';
import fr from '@/messages/fr.json';
import type { Locale } from '@/lib/i18n/locales';

const MESSAGES = { en, de, fr } as const satisfies Record<Locale, typeof en>;

/**
 * A translator outside React (the editor host page and its message pages are HTML strings):
 * the same messages and ICU rules as useTranslations/getTranslations.
 */
export const translatorFor = (locale: Locale) => createTranslator({ locale, messages: MESSAGES[locale] });
