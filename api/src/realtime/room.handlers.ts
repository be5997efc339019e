import { roomJoinSchema } from '@hawker/shared';
import { z } from 'zod';
import type { HawkerSocket, RealtimeDeps } from './io.js';
import { handle } from './ack.js';

export const roomName = (streamId: string) => `stream:${streamId}`;

const timeSyncSchema = z.object({ clientTime: z.number().finite() }).strict();

export function registerRoomHandlers(socket: HawkerSocket, deps: RealtimeDeps): void {
  const log = deps.logger.child({ socket: socket.id });
  // streamId → whether this socket counts as a viewer there (the creator does not).
  const joined = new Map<string, boolean>();
  // Fixed for the socket's life (a logout disconnects it).
  const viewer = { userId: socket.data.userId, ip: socket.data.ip };

  const leave = async (streamId: string) => {
    const counted = joined.get(streamId);
    if (counted === undefined) return;
    joined.delete(streamId);
    await socket.leave(roomName(streamId));
    deps.viewerCounts.changed(streamId, await deps.rooms.leave(streamId, viewer, counted));
  };

  socket.on(
    'room:join',
    handle(roomJoinSchema, log, async ({ streamId }) => {
      if (joined.has(streamId)) return deps.rooms.current(streamId, socket.data.userId);
      const { snapshot, counted } = await deps.rooms.join(streamId, viewer);
      joined.set(streamId, counted);
      await socket.join(roomName(streamId));
      deps.viewerCounts.changed(streamId, snapshot.viewerCount);
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
    for (const streamId of [...joined.keys()]) {
      deps.tasks.track(leave(streamId).catch((err: unknown) => log.warn({ err, streamId }, 'leave on disconnect failed')));
    }
  });
}
