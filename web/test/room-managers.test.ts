import type { AckResponse, ChatMessageView, DealView, PurchaseState } from '@hawker/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_MESSAGES, RoomChat, slowModeLabel } from '../src/lib/realtime/chat.svelte.js';
import { RoomDeal } from '../src/lib/realtime/deal.svelte.js';
import { ChatModeration, parseBlockedWords } from '../src/lib/realtime/moderation.svelte.js';
import { MAX_PINS, RoomPins } from '../src/lib/realtime/pins.svelte.js';
import { purchaseMessage, RoomPurchases } from '../src/lib/realtime/purchases.svelte.js';
import { NO_ANSWER, type RoomRequest } from '../src/lib/realtime/room-request.js';
import { PurchaseTicker, TICKER_SIZE, TICKER_TTL_MS } from '../src/lib/realtime/ticker.svelte.js';

// The room's managers against a scripted socket: each request answers with the
// next queued ack for its event; every request is recorded.

const STREAM = '0190c3b0-0000-7000-8000-00000000c001';
const DEAL = '0190c3b0-0000-7000-8000-00000000d001';
const LISTING = '0190c3b0-0000-7000-8000-00000000a001';

type Sent = { event: string; payload: Record<string, unknown> };

function scripted(answers: Record<string, AckResponse<unknown>[]>): { request: RoomRequest; sent: Sent[] } {
  const sent: Sent[] = [];
  const request = ((event: string, payload: Record<string, unknown>) => {
    sent.push({ event, payload });
    const next = answers[event]?.shift();
    if (!next) throw new Error(`unexpected request ${event}`);
    return Promise.resolve(next);
  }) as unknown as RoomRequest;
  return { request, sent };
}

const ok = <T>(data: T): AckResponse<T> => ({ ok: true, data });
const refused = (code: string, message: string): AckResponse<never> => ({ ok: false, error: { code, message } });

let seq = 0;
function message(text: string, at = new Date(Date.UTC(2026, 0, 1, 10, 0, seq)).toISOString()): ChatMessageView {
  seq += 1;
  return { id: `m-${seq}`, streamId: STREAM, user: { id: 'u-1', displayName: 'Ada' }, text, createdAt: at };
}

const deal: DealView = {
  id: DEAL,
  streamId: STREAM,
  listingId: LISTING,
  title: 'Tea bowl',
  dealPriceMinor: 1500,
  listPriceMinor: 3000,
  currency: 'USD',
  quantity: 5,
  remaining: 5,
  perBuyerLimit: 1,
  startsAt: '2026-01-01T10:00:00.000Z',
  endsAt: '2026-01-01T10:02:00.000Z',
  graceMs: 5000,
  serverTime: '2026-01-01T10:00:00.000Z',
};

afterEach(() => {
  vi.useRealTimers();
});

describe('RoomChat', () => {
  it('merges the join ack, single messages and batches by id, in order', () => {
    const chat = new RoomChat(STREAM, scripted({}).request);
    const [a, b, c, d] = [message('a'), message('b'), message('c'), message('d')];
    chat.reset([a, b], { slowModeSeconds: 0, blockedWords: [] });
    chat.add([c]);
    chat.add([b, c, d]); // a batch overlapping what was seen
    expect(chat.messages.map((m) => m.text)).toEqual(['a', 'b', 'c', 'd']);
    // A reconnect's snapshot brings an older message that was missed.
    const missed = message('missed', new Date(Date.UTC(2026, 0, 1, 9, 59, 0)).toISOString());
    chat.reset([missed, d], { slowModeSeconds: 10, blockedWords: [] });
    expect(chat.messages.map((m) => m.text)).toEqual(['missed', 'a', 'b', 'c', 'd']);
    expect(chat.settings.slowModeSeconds).toBe(10);
  });

  it('ignores other streams, removes deleted messages, and keeps a bounded scrollback', () => {
    const chat = new RoomChat(STREAM, scripted({}).request);
    chat.add([{ ...message('elsewhere'), streamId: 'other' }]);
    expect(chat.messages).toEqual([]);
    const many = Array.from({ length: MAX_MESSAGES + 20 }, (_, i) => message(`n${i}`));
    chat.add(many);
    expect(chat.messages).toHaveLength(MAX_MESSAGES);
    expect(chat.messages[0]?.text).toBe('n20');
    chat.remove(many.at(-1)!.id);
    expect(chat.messages.at(-1)?.text).toBe(`n${MAX_MESSAGES + 18}`);
  });

  it('sends trimmed text; a refusal keeps the reason for the input and reports false', async () => {
    const mine = message('hi there');
    const { request, sent } = scripted({
      'chat:send': [ok(mine), refused('rate_limited', 'Slow mode is on: wait 12 s.'), refused('banned', 'You are banned from this chat.')],
    });
    const chat = new RoomChat(STREAM, request);
    expect(await chat.send('  hi there  ')).toBe(true);
    expect(sent[0]).toEqual({ event: 'chat:send', payload: { streamId: STREAM, text: 'hi there' } });
    expect(chat.messages).toEqual([mine]);
    expect(await chat.send('again')).toBe(false);
    expect(chat).toMatchObject({ errorCode: 'rate_limited', error: 'Slow mode is on: wait 12 s.' });
    expect(await chat.send('and again')).toBe(false);
    expect(chat.errorCode).toBe('banned');
    // Nothing is sent for blank or overlong text.
    expect(await chat.send('   ')).toBe(false);
    expect(await chat.send('x'.repeat(501))).toBe(false);
    expect(chat.errorCode).toBe('too_long');
    expect(sent).toHaveLength(3);
  });

  it('labels slow mode', () => {
    expect(slowModeLabel({ slowModeSeconds: 0, blockedWords: [] })).toBeNull();
    expect(slowModeLabel({ slowModeSeconds: 30, blockedWords: [] })).toBe('Slow mode: one message every 30 s');
    expect(slowModeLabel({ slowModeSeconds: 120, blockedWords: [] })).toBe('Slow mode: one message every 2 min');
  });
});

describe('RoomPurchases', () => {
  const paid = ok({ orderId: 'o-1', status: 'paid', totalMinor: 1500, currency: 'USD' });

  it('reuses the idempotency key when retrying an unanswered press, and takes a new one after a final answer', async () => {
    const keys = ['key-1', 'key-2', 'key-3'];
    const { request, sent } = scripted({
      'purchase:create': [NO_ANSWER, paid, refused('deal_sold_out', 'This deal is sold out or over.'), paid],
    });
    const purchases = new RoomPurchases(STREAM, request, () => keys.shift()!);
    const target = { dealId: DEAL };

    expect(await purchases.buy(target, 999)).toMatchObject({ status: 'failed', code: 'timeout', retryable: true });
    expect(await purchases.buy(target, 999)).toMatchObject({ status: 'done' });
    expect(await purchases.buy(target, 999)).toMatchObject({ status: 'failed', code: 'deal_sold_out', retryable: false });
    await purchases.buy(target, 999);
    expect(sent.map((s) => s.payload.idempotencyKey)).toEqual(['key-1', 'key-1', 'key-2', 'key-3']);
    expect(sent[0]?.payload).toEqual({ streamId: STREAM, dealId: DEAL, quantity: 1, unitPriceMinor: 999, idempotencyKey: 'key-1' });
  });

  it('keeps a state per Buy button, ignores a second press in flight, and words the outcome', async () => {
    let answer: (ack: AckResponse<unknown>) => void = () => undefined;
    const request = (() => new Promise((resolve) => (answer = resolve))) as unknown as RoomRequest;
    const purchases = new RoomPurchases(STREAM, request, () => 'k');
    const first = purchases.buy({ listingId: LISTING }, 1500);
    expect(purchases.stateOf({ listingId: LISTING })).toEqual({ status: 'pending' });
    expect(await purchases.buy({ listingId: LISTING }, 1500)).toEqual({ status: 'pending' });
    expect(purchases.stateOf({ dealId: DEAL })).toBeNull();
    answer(paid);
    const state = await first;
    expect(purchaseMessage(state)).toBe('Order placed — held in escrow');
    expect(purchaseMessage({ status: 'failed', code: 'x', message: 'Card declined.', retryable: false })).toBe('Card declined.');
  });

  it('sends the price on the card, and a changed price is told with the new price and nothing charged', async () => {
    const { request, sent } = scripted({
      'purchase:create': [
        {
          ok: false,
          error: {
            code: 'price_changed',
            message: 'The price changed.',
            prices: [{ listingId: LISTING, unitPriceMinor: 224_950, currency: 'USD' }],
          },
        },
      ],
    });
    const purchases = new RoomPurchases(STREAM, request, () => 'k');
    const state = await purchases.buy({ listingId: LISTING }, 4499);
    expect(sent[0]?.payload).toMatchObject({ listingId: LISTING, unitPriceMinor: 4499 });
    expect(state).toMatchObject({ status: 'failed', code: 'price_changed', retryable: false });
    expect(purchaseMessage(state)).toBe('The price is now $2,249.50. Nothing was charged; press Buy again to pay it.');
  });
});

describe('RoomPurchases: a deal answered with a reservation', () => {
  const reserved = (idempotencyKey: string) =>
    ok({ status: 'reserved', reservationId: 'r-1', dealId: DEAL, idempotencyKey, payBy: '2026-12-06T20:00:20.000Z' });
  const order = { orderId: 'o-9', status: 'paid', totalMinor: 999, currency: 'USD' } as const;
  const ids = (idempotencyKey: string) => ({ reservationId: 'r-1', dealId: DEAL, idempotencyKey });

  it('says "You got it" at once, then shows the order when the payment lands on the buyer channel', async () => {
    const { request } = scripted({ 'purchase:create': [reserved('k-1')] });
    const purchases = new RoomPurchases(STREAM, request, () => 'k-1');
    const state = await purchases.buy({ dealId: DEAL }, 999);
    expect(state).toMatchObject({ status: 'reserved', slow: false });
    expect(purchaseMessage(state)).toBe('You got it — confirming payment…');
    // Pressing again while it is being paid sends nothing.
    expect(await purchases.buy({ dealId: DEAL }, 999)).toMatchObject({ status: 'reserved' });
    purchases.settle({ ...ids('someone-else'), status: 'paid', order });
    expect(purchases.stateOf({ dealId: DEAL })).toMatchObject({ status: 'reserved' });
    purchases.settle({ ...ids('k-1'), status: 'paid', order });
    expect(purchases.stateOf({ dealId: DEAL })).toEqual({ status: 'done', result: order });
    purchases.close();
  });

  it('a failed payment is final: the next press takes a new key', async () => {
    const keys = ['k-1', 'k-2'];
    const { request, sent } = scripted({ 'purchase:create': [reserved('k-1'), reserved('k-2')] });
    const purchases = new RoomPurchases(STREAM, request, () => keys.shift()!);
    await purchases.buy({ dealId: DEAL }, 999);
    purchases.settle({ ...ids('k-1'), status: 'failed', error: { code: 'card_declined', message: 'Your card was declined.' } });
    expect(purchases.stateOf({ dealId: DEAL })).toMatchObject({ status: 'failed', code: 'card_declined', retryable: false });
    await purchases.buy({ dealId: DEAL }, 999);
    expect(sent.map((s) => s.payload.idempotencyKey)).toEqual(['k-1', 'k-2']);
    purchases.close();
  });

  it('after the wait without news it says so, and keeps reading the state by key until it comes', async () => {
    vi.useFakeTimers();
    try {
      const answers: (PurchaseState | null)[] = [
        null,
        { ...ids('k-1'), status: 'reserved', payBy: '' },
        { ...ids('k-1'), status: 'paid', order },
      ];
      const asked: string[] = [];
      const read = (k: string) => {
        asked.push(k);
        return Promise.resolve(answers.shift() ?? null);
      };
      const { request } = scripted({ 'purchase:create': [reserved('k-1')] });
      const purchases = new RoomPurchases(STREAM, request, () => 'k-1', read, 30_000);
      await purchases.buy({ dealId: DEAL }, 999);
      await vi.advanceTimersByTimeAsync(29_000);
      expect(purchases.stateOf({ dealId: DEAL })).toMatchObject({ status: 'reserved', slow: false });
      await vi.advanceTimersByTimeAsync(1_000);
      const slow = purchases.stateOf({ dealId: DEAL })!;
      expect(slow).toMatchObject({ status: 'reserved', slow: true });
      expect(purchaseMessage(slow)).toMatch(/taking longer than usual/);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(asked).toEqual(['k-1', 'k-1', 'k-1']);
      expect(purchases.stateOf({ dealId: DEAL })).toEqual({ status: 'done', result: order });
      purchases.close();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('RoomDeal', () => {
  it('follows start, stock (never back up) and end', () => {
    const room = new RoomDeal(STREAM, scripted({}).request);
    room.reset(deal);
    expect(room).toMatchObject({ remaining: 5, sold: null });
    room.stock({ dealId: DEAL, remaining: 3 });
    room.stock({ dealId: DEAL, remaining: 4 }); // an older update from another node
    room.stock({ dealId: 'other', remaining: 0 });
    expect(room.remaining).toBe(3);
    room.end({ dealId: DEAL, sold: 4 });
    expect(room).toMatchObject({ remaining: 1, sold: 4 });
    room.start({ ...deal, id: 'next', remaining: 9 });
    expect(room).toMatchObject({ remaining: 9, sold: null });
  });

  it('marks a deal over when a re-join finds none running', () => {
    const room = new RoomDeal(STREAM, scripted({}).request);
    room.reset(deal);
    room.stock({ dealId: DEAL, remaining: 2 });
    room.reset(null);
    expect(room.sold).toBe(3);
  });

  it('launches with the stream id, and reports a refusal', async () => {
    const { request, sent } = scripted({ 'deal:launch': [ok(deal), refused('deal_running', 'A deal is already running on this stream.')] });
    const room = new RoomDeal(STREAM, request);
    const input = { listingId: LISTING, dealPriceMinor: 1500, quantity: 5, perBuyerLimit: 1, durationSeconds: 120 };
    expect(await room.launch(input)).toEqual({ ok: true, deal });
    expect(sent[0]?.payload).toEqual({ streamId: STREAM, ...input });
    expect(room.deal).toEqual(deal);
    expect(await room.launch(input)).toEqual({ ok: false, message: 'A deal is already running on this stream.' });
  });
});

describe('RoomPins', () => {
  const pinned = (listingId: string) => ({
    listingId,
    title: 't',
    priceMinor: 100,
    currency: 'USD',
    stock: 1,
    imageUrl: null,
    pinnedAt: '',
    offsetMs: 0,
  });

  it('pins and unpins by sending the whole list', async () => {
    const { request, sent } = scripted({ 'pin:set': [ok([pinned('a')]), ok([pinned('a'), pinned('b')]), ok([pinned('b')])] });
    const pins = new RoomPins(STREAM, request);
    await pins.pin('a');
    await pins.pin('b');
    await pins.unpin('a');
    expect(sent.map((s) => s.payload.listingIds)).toEqual([['a'], ['a', 'b'], ['b']]);
    expect(pins.pins.map((p) => p.listingId)).toEqual(['b']);
  });

  it(`stops at ${MAX_PINS} pins, and shows the server's refusal`, async () => {
    const { request } = scripted({ 'pin:set': [refused('not_your_listing', 'You can only pin your own active listings.')] });
    const pins = new RoomPins(STREAM, request);
    pins.apply(Array.from({ length: MAX_PINS }, (_, i) => pinned(`l${i}`)));
    expect(await pins.pin('one-more')).toBe(false);
    pins.apply([]);
    expect(await pins.pin('x')).toBe(false);
    expect(pins.error).toBe('You can only pin your own active listings.');
  });
});

describe('ChatModeration', () => {
  it('acts through the room and remembers bans and appointments made here', async () => {
    const { request, sent } = scripted({
      'chat:delete': [ok(null)],
      'mod:timeout': [ok(null)],
      'mod:ban': [ok(null)],
      'mod:unban': [ok(null)],
      'mod:appoint': [refused('forbidden', 'Only the creator appoints moderators.')],
      'mod:slowMode': [ok({ slowModeSeconds: 30, blockedWords: [] })],
    });
    const mod = new ChatModeration(STREAM, request);
    expect(await mod.deleteMessage('m-1')).toBe(true);
    expect(await mod.timeout('u-2', 'Bo')).toBe(true);
    expect(mod.notice).toBe('Bo is timed out for 10 min.');
    expect(await mod.ban('u-2', 'Bo')).toBe(true);
    expect(mod.banned.has('u-2')).toBe(true);
    expect(await mod.unban('u-2', 'Bo')).toBe(true);
    expect(mod.banned.has('u-2')).toBe(false);
    expect(await mod.appoint('u-2', 'Bo')).toBe(false);
    expect(mod.error).toBe('Only the creator appoints moderators.');
    expect(await mod.setSlowMode(30)).toEqual({ slowModeSeconds: 30, blockedWords: [] });
    expect(sent.map((s) => s.event)).toEqual(['chat:delete', 'mod:timeout', 'mod:ban', 'mod:unban', 'mod:appoint', 'mod:slowMode']);
    expect(sent[1]?.payload).toEqual({ streamId: STREAM, userId: 'u-2', seconds: 600 });
  });

  it('parses blocked words one per line or comma-separated', () => {
    expect(parseBlockedWords(' Spam, scam\n\nSPAM\n  fake ')).toEqual(['spam', 'scam', 'fake']);
  });
});

describe('PurchaseTicker', () => {
  it(`shows the newest ${TICKER_SIZE} purchases, each for a few seconds`, () => {
    vi.useFakeTimers();
    const ticker = new PurchaseTicker();
    for (const buyer of ['A***', 'B***', 'C***', 'D***']) ticker.push({ buyer, title: 'Tea bowl', quantity: 1 });
    expect(ticker.entries.map((e) => e.buyer)).toEqual(['D***', 'C***', 'B***']);
    vi.advanceTimersByTime(TICKER_TTL_MS);
    expect(ticker.entries).toEqual([]);
    ticker.push({ buyer: 'E***', title: 'Tea bowl', quantity: 2, alsoBought: 12 });
    expect(ticker.entries[0]).toMatchObject({ buyer: 'E***', alsoBought: 12 });
    ticker.close();
    expect(ticker.entries).toEqual([]);
  });
});
