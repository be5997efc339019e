import type { SqlExecutor, SqlStatement } from './db/sql.js';

/** A transfer with its accounts already resolved to ids: what the database functions take. */
export type ResolvedTransfer = {
  kind: string;
  orderId: string | null;
  paymentId: string | null;
  idempotencyKey: string | null;
  memo: string;
  accountIds: string[];
  amounts: bigint[];
};

/** How a batched transfer failed, as `ledger_post_many` reports it. */
export class BatchedTransferError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'BatchedTransferError';
  }
}

/** One transfer, one statement: used by LedgerRepository.post and for a lone standalone transfer. */
export const POST_TRANSFER: SqlStatement = {
  name: 'ledger_post_v1',
  text: 'SELECT ledger_post($1::"LedgerTransferKind", $2::uuid, $3::uuid, $4, $5, $6::uuid[], $7::bigint[])::text AS transfer_id',
};
const POST_BATCH: SqlStatement = {
  name: 'ledger_post_many_v1',
  text: `SELECT transfer_id::text AS transfer_id, error FROM ledger_post_many(
           $1::"LedgerTransferKind"[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::int[], $7::uuid[], $8::bigint[])`,
};

type Pending = { transfer: ResolvedTransfer; resolve: (id: string) => void; reject: (err: Error) => void };

/**
 * Group commit for standalone transfers. Concurrent callers' transfers are
 * sent together as one `ledger_post_many` call: one round trip, one commit
 * (one WAL flush) and one pass over the accounts for the lot, where
 * PostgreSQL otherwise pays each of those per transfer. No timer: a transfer
 * that finds a free slot goes at once, alone, so a quiet ledger adds no
 * latency; under load, whatever queued while the in-flight calls ran forms
 * the next batch. Each caller's promise settles only after its commit.
 */
export class TransferBatcher {
  readonly #queue: Pending[] = [];
  #inFlight = 0;

  constructor(
    private readonly sql: SqlExecutor,
    // Measured (pgbench, one client): ledger_post_many costs about two and a half single
    // posts in fixed overhead, then far less per transfer — so batches pay off from about
    // four transfers. Up to four calls in flight keep both cores busy.
    private readonly options: { maxBatch: number; minBatch: number; maxInFlight: number } = { maxBatch: 64, minBatch: 4, maxInFlight: 4 },
  ) {}

  submit(transfer: ResolvedTransfer): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      this.#queue.push({ transfer, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#inFlight < this.options.maxInFlight && this.#queue.length > 0) {
      // A short queue goes out as single posts; only a backlog is worth a batch.
      const batch = this.#queue.splice(0, this.#queue.length >= this.options.minBatch ? this.options.maxBatch : 1);
      this.#inFlight += 1;
      void this.#send(batch).finally(() => {
        this.#inFlight -= 1;
        this.#pump();
      });
    }
  }

  async #send(batch: Pending[]): Promise<void> {
    if (batch.length === 1) return this.#sendOne(batch[0]!);
    const ts = batch.map((p) => p.transfer);
    try {
      const rows = await this.sql.query<{ transfer_id: string | null; error: string | null }>(POST_BATCH, [
        ts.map((t) => t.kind),
        ts.map((t) => t.orderId),
        ts.map((t) => t.paymentId),
        ts.map((t) => t.idempotencyKey),
        ts.map((t) => t.memo),
        ts.map((t) => t.accountIds.length),
        ts.flatMap((t) => t.accountIds),
        ts.flatMap((t) => t.amounts.map((a) => a.toString())),
      ]);
      batch.forEach((p, i) => {
        const row = rows[i];
        if (row?.transfer_id) p.resolve(row.transfer_id);
        else p.reject(new BatchedTransferError(row?.error ?? 'ledger_batch_short_result'));
      });
    } catch (err) {
      // The whole statement failed, so nothing in it committed. A business key booked by a
      // concurrent batch (another node) fails the lot at the unique index: send each alone.
      if ((err as { code?: string }).code === '23505') {
        await Promise.all(batch.map((p) => this.#sendOne(p)));
        return;
      }
      for (const p of batch) p.reject(err as Error);
    }
  }

  /** A lone transfer: the single-transfer statement is cheaper than a batch of one. */
  async #sendOne(p: Pending): Promise<void> {
    const t = p.transfer;
    try {
      const [row] = await this.sql.query<{ transfer_id: string }>(POST_TRANSFER, [
        t.kind,
        t.orderId,
        t.paymentId,
        t.idempotencyKey,
        t.memo,
        t.accountIds,
        t.amounts.map((a) => a.toString()),
      ]);
      p.resolve(row!.transfer_id);
    } catch (err) {
      // The statement's own error (a floor, a duplicate key): LedgerRepository reads it as post() does.
      p.reject(err as Error);
    }
  }
}
