import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Router } from 'express';
import { z } from 'zod';
import { HLS_FILE_PATTERN, PLAYLIST_NAME, parsePlaylist } from './hls-playlist.js';
import { NotFoundError } from './errors.js';

/** Segments never change once listed: cache them anywhere, forever. */
const SEGMENT_CACHE = 'public, max-age=31536000, immutable';
/**
 * An ended playlist is the replay and changes no more, except in one case:
 * a publisher that comes back after a worker death appends to it. A day
 * keeps replays cheap without pinning a stale ENDLIST for a year.
 */
const ENDED_PLAYLIST_CACHE = 'public, max-age=86400';
/** Live: revalidate every time, players poll it every target duration. */
const LIVE_PLAYLIST_CACHE = 'no-cache';

const CONTENT_TYPES: Record<string, string> = {
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.ts': 'video/mp2t',
  '.m4s': 'video/mp4',
  '.mp4': 'video/mp4',
};

const streamIdSchema = z.uuid();

/**
 * GET /media/hls/:streamId/:file: the live playlist and its segments, and the
 * same files as the replay. Only a UUID folder and names matching
 * HLS_FILE_PATTERN are served, so `..`, encoded slashes, dotfiles and ffmpeg's
 * half-written .tmp files all get 404 before the filesystem is touched.
 */
export function createHlsRouter({ hlsDir }: { hlsDir: string }): Router {
  const router = Router();
  const root = path.resolve(hlsDir);

  router.get('/media/hls/:streamId/:file', async (req, res) => {
    const { streamId, file } = req.params;
    if (!streamIdSchema.safeParse(streamId).success || !HLS_FILE_PATTERN.test(file)) {
      throw new NotFoundError('no such HLS file');
    }
    const filePath = path.join(root, streamId, file);
    const contentType = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';

    if (file === PLAYLIST_NAME) {
      // Read whole (a few kB) so the cache header matches exactly the bytes sent.
      const text = await readFile(filePath, 'utf8').catch(() => undefined);
      if (text === undefined) throw new NotFoundError('no such HLS file');
      const cache = parsePlaylist(text).ended ? ENDED_PLAYLIST_CACHE : LIVE_PLAYLIST_CACHE;
      // A Buffer, not the string: Express would append '; charset=utf-8' to a string's type.
      res.set({ 'Content-Type': contentType, 'Cache-Control': cache }).send(Buffer.from(text, 'utf8'));
      return;
    }

    await new Promise<void>((resolve, reject) => {
      res.sendFile(
        file,
        {
          root: path.join(root, streamId),
          dotfiles: 'deny',
          cacheControl: false,
          headers: { 'Content-Type': contentType, 'Cache-Control': SEGMENT_CACHE },
        },
        (error?: Error) => {
          if (!error) resolve();
          else if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as { status?: number }).status === 404)
            reject(new NotFoundError('no such HLS file'));
          else if (res.headersSent)
            resolve(); // client went away mid-file
          else reject(error);
        },
      );
    });
  });

  return router;
}
