import { describe, expectTypeOf, it } from 'vitest';
import type { AckResponse, ClientToServerEvents, MeResponse, RoomSnapshot, ServerToClientEvents } from '../src/index.js';

// Type tests run under vitest's typecheck mode: they fail the build when the
// wire contract drifts, unlike a `test:types` script that cannot fail.
describe('socket contract', () => {
  it('room:join takes a stream id and acks a snapshot', () => {
    type Join = ClientToServerEvents['room:join'];
    expectTypeOf<Parameters<Join>[0]>().toEqualTypeOf<{ streamId: string }>();
    expectTypeOf<Parameters<Parameters<Join>[1]>[0]>().toEqualTypeOf<AckResponse<RoomSnapshot>>();
  });

  it('viewers:count carries a number', () => {
    expectTypeOf<Parameters<ServerToClientEvents['viewers:count']>[0]['count']>().toBeNumber();
  });

  it('an error ack has a code and message and no data', () => {
    const ack: AckResponse<number> = { ok: false, error: { code: 'x', message: 'y' } };
    if (!ack.ok) expectTypeOf(ack.error.code).toBeString();
    // @ts-expect-error data is not allowed on an error ack
    const bad: AckResponse<number> = { ok: false, data: 1 };
    void bad;
  });

  it('me response exposes roles as a closed union', () => {
    expectTypeOf<MeResponse['user']['roles'][number]>().toEqualTypeOf<'buyer' | 'seller' | 'creator' | 'brand' | 'admin'>();
  });
});
