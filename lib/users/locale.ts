import { z } from 'zod';
import { db } from '@/lib/db';
import { LOCALES, type Locale } from '@/lib/i18n/locales';
import { invalidInputOf, REPORT_INPUT } from '@/lib/validation-details';

const localeChoiceSchema = z.object({
  locale: z
    .enum(LOCALES, { message: `The language must be one of ${LOCALES.join(', ')}, or null for the browser's.` })
    .nullable(),
});

/**
 * A user's portal language: one of LOCALES, or null to follow the browser (Accept-Language).
 * Returns what was saved; anything else is a 400 `invalid_locale`.
 */
export const setUserLocale = async ({ userId, input }: { userId: string; input: unknown }): Promise<Locale | null> => {
  const parsed = localeChoiceSchema.safeParse(input ?? {}, REPORT_INPUT);
  if (!parsed.success) throw invalidInputOf('invalid_locale', parsed.error);
  await db.user.update({ where: { id: userId }, data: { locale: parsed.data.locale } });

  return parsed.data.locale;
};
