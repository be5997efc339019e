import type {
  AckResponse,
  ClientToServerEvents,
  PurchaseAnswer,
  PurchaseFailed,
  PurchasePaid,
  PurchaseResult,
  ServerToClientEvents,
} from '@hawker/shared';
import type { Socket } from 'socket.io-client';

type BuyerSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type Press = Parameters<ClientToServerEvents['purchase:create']>[0];

/** A press's answer and, for a deal's reservation, how its payment ended (null when there was nothing to pay). */
export type Settled = { answer: AckResponse<PurchaseAnswer>; outcome: PurchasePaid | PurchaseFailed | null };

/** The buyer's own channel: resolves with the outcome of the press with this key. */
export function outcomeOf(s: BuyerSocket, idempotencyKey: string, timeoutMs = 30_000): Promise<PurchasePaid | PurchaseFailed> {
  return new Promise((resolve, reject) => {
    const done = (o: PurchasePaid | PurchaseFailed) => {
      if (o.idempotencyKey !== idempotencyKey) return;
      clearTimeout(timer);
      s.off('purchase:paid', done);
      s.off('purchase:failed', done);
      resolve(o);
    };
    const timer = setTimeout(() => {
      s.off('purchase:paid', done);
      s.off('purchase:failed', done);
      reject(new Error(`no purchase outcome for ${idempotencyKey}`));
    }, timeoutMs);
    s.on('purchase:paid', done);
    s.on('purchase:failed', done);
  });
}

/** Presses Buy and, when the answer is a reservation, waits for the payment behind it on the buyer's channel. */
export async function pressAndSettle(s: BuyerSocket, press: Press): Promise<Settled> {
  const outcome = outcomeOf(s, press.idempotencyKey);
  outcome.catch(() => undefined);
  const answer = await s.timeout(20_000).emitWithAck('purchase:create', press);
  if (!answer.ok || answer.data.status !== 'reserved') return { answer, outcome: null };
  return { answer, outcome: await outcome };
}

/** The press as the buyer finally sees it: the paid order, or why not (a refusal at once, or the payment's failure). */
export async function pressUntilPaid(s: BuyerSocket, press: Press): Promise<AckResponse<PurchaseResult>> {
  const { answer, outcome } = await pressAndSettle(s, press);
  if (!answer.ok) return answer;
  if (answer.data.status === 'paid') return { ok: true, data: answer.data };
  if (outcome?.status === 'paid') return { ok: true, data: outcome.order };
  return { ok: false, error: outcome!.error };
}
