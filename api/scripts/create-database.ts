// Creates the database named in DATABASE_URL if it does not exist yet
// (used by `npm run start:cluster` on a local PostgreSQL).
import pg from 'pg';
import { z } from 'zod';

const url = z.url().parse(process.env.DATABASE_URL, { error: () => 'DATABASE_URL must be a postgres URL' });
const target = new URL(url);
const name = decodeURIComponent(target.pathname.slice(1));
if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`refusing to create database with unusual name "${name}"`);
const admin = new URL(url);
admin.pathname = '/postgres';
const client = new pg.Client({ connectionString: admin.toString() });
await client.connect();
try {
  const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (!rowCount) {
    await client.query(`CREATE DATABASE "${name}"`);
    process.stdout.write(`created database ${name}\n`);
  }
} finally {
  await client.end();
}
