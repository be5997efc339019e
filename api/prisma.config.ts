import { defineConfig } from 'prisma/config';

// Paths are resolved by Prisma relative to this file. The URL only matters to
// commands that connect (`prisma migrate`/`db`), which cannot run offline here
// anyway (see scripts/migrate.ts); the default keeps `prisma generate`,
// `validate` and `format` working when DATABASE_URL is unset, since
// `env('DATABASE_URL')` would throw.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/hawker' },
});
