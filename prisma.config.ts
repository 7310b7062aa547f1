import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { createMigrationAdapter } from './lib/db/pg-adapter';

// The JS schema engine (engine: 'js') runs offline: Prisma 6's binary engines cannot be
// downloaded on our machines. `generate` needs no database, only some DATABASE_URL value.
process.env.DATABASE_URL ??= 'postgresql://unset@127.0.0.1:5432/unset';

export default defineConfig({
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  experimental: { adapter: true },
  engine: 'js',
  adapter: () => Promise.resolve(createMigrationAdapter(process.env.DATABASE_URL!)),
});
