import { roomJoinSchema } from '@hawker/shared';
import { z } from 'zod';
import type { HawkerServer, HawkerSocket, RealtimeDeps } from './io.js';
import { handle } from './ack.js';

export const roomName = (streamId: string) => `stream:${streamId}`;

const timeSyncSchema = z.object({ clientTime: z.number().finite() }).strict();

export function registerRoomHandlers(io: HawkerServer, socket: HawkerSocket, deps: RealtimeDeps): void {
  const log = deps.logger.child({ socket: socket.id });
  const joined = new Set<string>();

  const leave = async (streamId: string) => {
    if (!joined.delete(streamId)) return;
    await socket.leave(roomName(streamId));
    const count = await deps.rooms.leave(streamId);
    io.to(roomName(streamId)).emit('viewers:count', { streamId, count });
  };

  socket.on(
    'room:join',
    handle(roomJoinSchema, log, async ({ streamId }) => {
      if (joined.has(streamId)) return deps.rooms.current(streamId);
      const snapshot = await deps.rooms.join(streamId);
      joined.add(streamId);
      await socket.join(roomName(streamId));
      io.to(roomName(streamId)).emit('viewers:count', { streamId, count: snapshot.viewerCount });
      return snapshot;
    }),
  );

  socket.on(
    'room:leave',
    handle(roomJoinSchema, log, async ({ streamId }) => {
      await leave(streamId);
      return null;
    }),
  );

  socket.on(
    'time:sync',
    handle(timeSyncSchema, log, ({ clientTime }) => Promise.resolve({ clientTime, serverTime: Date.now() })),
  );

  socket.on('disconnect', () => {
    for (const streamId of [...joined]) {
      deps.tasks.track(leave(streamId).catch((err: unknown) => log.warn({ err, streamId }, 'leave on disconnect failed')));
    }
  });
}
