// Zod-free, so the web player can import these without pulling in the schemas.

export const MEDIA_SOCKET_PATH = '/media/socket.io';

/** Where a stream's HLS playlist is served (live, and as the replay once ended). */
export function hlsPlaylistPath(streamId: string): string {
  return `/media/hls/${streamId}/index.m3u8`;
}
