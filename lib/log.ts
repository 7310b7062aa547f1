import pino from 'pino';
import { env } from '@/lib/env';

/** Structured logs. Tokens, passwords and cookies are redacted wherever they appear. */
export const log = pino({
  level: env.LOG_LEVEL,
  base: undefined,
  redact: {
    paths: [
      'access_token',
      '*.access_token',
      'accessToken',
      '*.accessToken',
      'password',
      '*.password',
      'headers.authorization',
      'headers.cookie',
      '*.headers.authorization',
      '*.headers.cookie',
    ],
    censor: '[redacted]',
  },
});
