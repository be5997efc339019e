import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Reading and finishing the HLS playlists ffmpeg writes. ffmpeg runs with
 * `omit_endlist` (see HlsEgress): a stream's playlist spans every ffmpeg run of
 * the stream, and only the Broadcast knows when the last run is over, so the
 * ENDLIST that turns the live playlist into the replay is written here.
 */

export const PLAYLIST_NAME = 'index.m3u8';
const ENDLIST = '#EXT-X-ENDLIST';

/**
 * What the HTTP route serves from a stream's folder: the playlist and segment
 * files ffmpeg names `<session>-<number>.ts` (or .m4s / init .mp4). Anything
 * else (the .tmp files ffmpeg renames into place, dotfiles, `..`) is refused.
 */
export const HLS_FILE_PATTERN = /^(?:index\.m3u8|[A-Za-z0-9_-]{1,64}\.(?:ts|m4s|mp4))$/;

export interface PlaylistInfo {
  segments: number;
  /** Sum of the segments' EXTINF durations. */
  durationMs: number;
  ended: boolean;
}

export function playlistFile(streamDir: string): string {
  return path.join(streamDir, PLAYLIST_NAME);
}

export function parsePlaylist(text: string): PlaylistInfo {
  let segments = 0;
  let seconds = 0;
  let ended = false;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('#EXTINF:')) {
      segments += 1;
      seconds += Number.parseFloat(trimmed.slice('#EXTINF:'.length)) || 0;
    } else if (trimmed === ENDLIST) {
      ended = true;
    }
  }
  return { segments, durationMs: Math.round(seconds * 1000), ended };
}

/** The playlist's state, or undefined while ffmpeg has not written one. */
export async function readPlaylist(streamDir: string): Promise<PlaylistInfo | undefined> {
  try {
    return parsePlaylist(await readFile(playlistFile(streamDir), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Appends `#EXT-X-ENDLIST` once the last ffmpeg run has exited, so players
 * treat the playlist as a finished VOD (the replay). Idempotent. Returns the
 * playlist's final state, or undefined when no segment was ever written.
 */
export async function finishPlaylist(streamDir: string): Promise<PlaylistInfo | undefined> {
  const info = await readPlaylist(streamDir);
  if (!info || info.segments === 0) return undefined;
  if (!info.ended) await appendFile(playlistFile(streamDir), `${ENDLIST}\n`);
  return { ...info, ended: true };
}
