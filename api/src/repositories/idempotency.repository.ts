import { SQL_UTC_NOW, type SqlExecutor, type SqlStatement } from './db/sql.js';
import { uuidv7 } from './db/uuid7.js';

export type IdempotencyBegin =
  { state: 'new'; id: string } | { state: 'replay'; statusCode: number; body: unknown } | { state: 'mismatch' } | { state: 'in_progress' };

// Every order-creating request passes here twice (claim, complete): the lean SQL path.
const CLAIM: SqlStatement = {
  name: 'idempotency_claim_v1',
  text: `INSERT INTO idempotency_records (id, "userId", key, method, path, "requestHash")
         VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6)
         ON CONFLICT ("userId", key) DO NOTHING
         RETURNING id::text`,
};
const READ: SqlStatement = {
  name: 'idempotency_read_v1',
  text: `SELECT method, path, "requestHash", "statusCode", "responseBody", "completedAt" IS NOT NULL AS completed
           FROM idempotency_records WHERE "userId" = $1::uuid AND key = $2`,
};
const COMPLETE: SqlStatement = {
  name: 'idempotency_complete_v1',
  text: `UPDATE idempotency_records SET "statusCode" = $2, "responseBody" = $3::jsonb, "completedAt" = ${SQL_UTC_NOW} WHERE id = $1::uuid`,
};
const ABANDON: SqlStatement = {
  name: 'idempotency_abandon_v1',
  text: `DELETE FROM idempotency_records WHERE id = $1::uuid AND "completedAt" IS NULL`,
};

type Row = { method: string; path: string; requestHash: string; statusCode: number | null; responseBody: unknown; completed: boolean };

export class IdempotencyRepository {
  constructor(private readonly sql: SqlExecutor) {}

  /** Claims (user, key) for this request, or reports what an earlier request with the key did. */
  async begin(input: { userId: string; key: string; method: string; path: string; requestHash: string }): Promise<IdempotencyBegin> {
    const [claimed] = await this.sql.query<{ id: string }>(CLAIM, [
      uuidv7(),
      input.userId,
      input.key,
      input.method,
      input.path,
      input.requestHash,
    ]);
    if (claimed) return { state: 'new', id: claimed.id };
    const [existing] = await this.sql.query<Row>(READ, [input.userId, input.key]);
    if (!existing) return this.begin(input); // abandoned between our insert and read: claim again
    if (existing.requestHash !== input.requestHash || existing.method !== input.method || existing.path !== input.path)
      return { state: 'mismatch' };
    if (existing.completed && existing.statusCode !== null)
      return { state: 'replay', statusCode: existing.statusCode, body: existing.responseBody };
    return { state: 'in_progress' };
  }

  async complete(id: string, statusCode: number, body: unknown): Promise<void> {
    await this.sql.query(COMPLETE, [id, statusCode, JSON.stringify(body)]);
  }

  /** Forgets a claim whose request failed on our side, so the client may retry with the same key. */
  async abandon(id: string): Promise<void> {
    await this.sql.query(ABANDON, [id]);
  }
}
