import type messages from '@/messages/en.json';
import type { Locale } from '@/lib/i18n/locales';

// Typed messages: a t('…') key that en.json lacks fails `tsc` (tests/unit/i18n/messages.test.ts
// checks that de.json and fr.json have exactly en.json's keys).
declare module 'next-intl' {
  interface AppConfig {
    Locale: Locale;
    Messages: typeof messages;
  }
}
