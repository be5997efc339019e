import type { types } from 'mediasoup';
import { EnhancedEventEmitter } from './EnhancedEventEmitter.js';
import { HlsEgress } from './HlsEgress.js';
import { finishPlaylist, readPlaylist, type PlaylistInfo } from './hls-playlist.js';
import { childLogger, type Logger } from './logger.js';

/** With video but no audio yet, wait this long for the mic before starting ffmpeg (a restart costs a gap). */
const AUDIO_SETTLE_MS = 1_000;
/** Back-off between ffmpeg runs that die on their own, doubled up to the max. */
const RESTART_BACKOFF_MS = 1_000;
const MAX_RESTART_BACKOFF_MS = 30_000;
/** A run that lived this long resets the back-off. */
const HEALTHY_RUN_MS = 30_000;

export interface HlsRecordingOptions {
  router: types.Router;
  streamDir: string;
  logger: Logger;
  ffmpegPath?: string;
}

export type HlsRecordingEvents = {
  /** A run wrote its first segment (ms since that run's ffmpeg was spawned). */
  firstsegment: [ms: number];
};

interface Tracks {
  video: types.Producer | undefined;
  audio: types.Producer | undefined;
}

/**
 * The HLS side of one broadcast across its whole life: keeps exactly one
 * ffmpeg run (HlsEgress) reading the broadcast's current video (+ audio)
 * producer, replaces it when the tracks change (a publisher reconnects, adds
 * the mic late), restarts it with back-off when ffmpeg dies, and on close()
 * stops the last run and ends the playlist so it becomes the replay.
 *
 * All changes go through one serial queue, so two quick track changes never
 * run two ffmpeg processes on the same playlist.
 */
export class HlsRecording extends EnhancedEventEmitter<HlsRecordingEvents> {
  readonly #options: HlsRecordingOptions;
  readonly #logger: Logger;
  #wanted: Tracks = { video: undefined, audio: undefined };
  #egress: HlsEgress | undefined;
  #queue: Promise<void> = Promise.resolve();
  #settleTimer: NodeJS.Timeout | undefined;
  #restartTimer: NodeJS.Timeout | undefined;
  #failures = 0;
  #runs = 0;
  #firstSegmentMs: number | undefined;
  #closed = false;
  #closing: Promise<PlaylistInfo | undefined> | undefined;

  static create(options: HlsRecordingOptions): HlsRecording {
    return new HlsRecording(options);
  }

  private constructor(options: HlsRecordingOptions) {
    const logger = childLogger(options.logger, 'HlsRecording');
    super(logger);
    this.#options = options;
    this.#logger = logger;
  }

  /** Whether any run has started (the playlist exists or is about to). */
  get started(): boolean {
    return this.#runs > 0;
  }

  /** ms from spawning ffmpeg to the first segment of the first run that wrote one. */
  get firstSegmentMs(): number | undefined {
    return this.#firstSegmentMs;
  }

  /** The running ffmpeg, for tests and stats. */
  get egress(): HlsEgress | undefined {
    return this.#egress;
  }

  /** Tells the recording which producers the broadcast has now. */
  update(tracks: Tracks): void {
    if (this.#closed) return;
    this.#wanted = tracks;
    clearTimeout(this.#settleTimer);
    const waitForAudio = tracks.video && !tracks.audio && !this.#egress;
    if (waitForAudio) {
      this.#settleTimer = setTimeout(() => this.#enqueue(), AUDIO_SETTLE_MS);
    } else {
      this.#enqueue();
    }
  }

  /**
   * Stops the current run and appends `#EXT-X-ENDLIST`. Resolves with the
   * finished playlist, or undefined when no segment was ever written.
   * Idempotent.
   */
  close(): Promise<PlaylistInfo | undefined> {
    if (this.#closed) return this.#closing ?? Promise.resolve(undefined);
    this.#closed = true;
    clearTimeout(this.#settleTimer);
    clearTimeout(this.#restartTimer);
    this.#closing = (async () => {
      // Let a start in flight finish so its ffmpeg is stopped, not orphaned.
      await this.#queue;
      await this.#egress?.close();
      this.#egress = undefined;
      // Never started in this broadcast: an earlier broadcast of the stream may have left a replay.
      if (!this.started) return readPlaylist(this.#options.streamDir).then((i) => (i && i.segments > 0 ? i : undefined));
      const info = await finishPlaylist(this.#options.streamDir);
      this.#logger.info({ segments: info?.segments ?? 0, durationMs: info?.durationMs ?? 0 }, 'HLS recording finished');
      return info;
    })();
    return this.#closing;
  }

  #enqueue(): void {
    this.#queue = this.#queue.then(
      () => this.#reconcile(),
      () => this.#reconcile(),
    );
  }

  async #reconcile(): Promise<void> {
    const { video, audio } = this.#wanted;
    const wanted = video && !video.closed ? [video.id, ...(audio && !audio.closed ? [audio.id] : [])] : [];
    const current = this.#egress && !this.#egress.closed ? this.#egress.producerIds : [];
    if (sameIds(wanted, current) && this.#egress && !this.#egress.closed) return;

    if (this.#egress) {
      await this.#egress.close();
      this.#egress = undefined;
    }
    if (this.#closed || !video || video.closed || wanted.length === 0) return;

    try {
      const egress = await HlsEgress.create({
        router: this.#options.router,
        video,
        audio: audio && !audio.closed ? audio : undefined,
        streamDir: this.#options.streamDir,
        logger: this.#options.logger,
        ffmpegPath: this.#options.ffmpegPath,
      });
      this.#runs += 1;
      this.#egress = egress;
      const startedAt = performance.now();
      egress.on('firstsegment', (ms) => {
        this.#firstSegmentMs ??= ms;
        this.safeEmit('firstsegment', ms);
      });
      egress.on('exit', () => {
        if (this.#egress === egress) this.#egress = undefined;
        this.#failures = performance.now() - startedAt > HEALTHY_RUN_MS ? 1 : this.#failures + 1;
        this.#scheduleRestart();
      });
      if (this.#closed) await egress.close();
    } catch (error) {
      // Closed router (broadcast ending) or no free ports: retry unless closing.
      if (this.#closed || this.#options.router.closed) return;
      this.#logger.error({ err: error }, 'could not start the HLS egress');
      this.#failures += 1;
      this.#scheduleRestart();
    }
  }

  #scheduleRestart(): void {
    if (this.#closed) return;
    const delay = Math.min(RESTART_BACKOFF_MS * 2 ** Math.max(0, this.#failures - 1), MAX_RESTART_BACKOFF_MS);
    this.#logger.warn({ delayMs: delay, failures: this.#failures }, 'restarting the HLS egress');
    clearTimeout(this.#restartTimer);
    this.#restartTimer = setTimeout(() => this.#enqueue(), delay);
  }
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}
