import { spawn, type ChildProcess } from 'node:child_process';
import { access, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { types } from 'mediasoup';
import { EnhancedEventEmitter } from './EnhancedEventEmitter.js';
import { buildSdp, FFMPEG_PATH, ffmpegArgs, LOOPBACK, sendRtcpBye } from './hls-ffmpeg.js';
import { playlistFile } from './hls-playlist.js';
import { childLogger, type Logger } from './logger.js';
import { freeUdpPortPair } from './ports.js';

/** ffmpeg cannot decode VP8 until it sees a keyframe; ask again this often until one lands. */
const KEYFRAME_RETRY_MS = 2_000;
const FIRST_SEGMENT_POLL_MS = 100;
/** How long each way of stopping ffmpeg (BYE, SIGINT) gets before the next. */
const STOP_STEP_MS = 3_000;
/** Lines of ffmpeg's stderr kept to explain an unexpected exit. */
const STDERR_TAIL_LINES = 15;

export interface HlsEgressOptions {
  /** The broadcast's producer router: the source producers live there. */
  router: types.Router;
  video: types.Producer;
  audio?: types.Producer;
  /** HLS_DIR/<streamId>; created if missing. */
  streamDir: string;
  logger: Logger;
  ffmpegPath?: string;
}

export interface HlsEgressExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** ffmpeg's last stderr lines, for the log and the test that failed. */
  stderrTail: string[];
}

export type HlsEgressEvents = {
  /** The first segment of this run is on disk; ms since ffmpeg was spawned. */
  firstsegment: [ms: number];
  /** ffmpeg exited without close() being called. The egress is unusable after this. */
  exit: [HlsEgressExit];
};

export interface Leg {
  kind: types.MediaKind;
  transport: types.PlainTransport;
  consumer: types.Consumer;
  rtpPort: number;
  rtcpPort: number;
}

/**
 * One ffmpeg run turning the broadcast's producers into HLS: mediasoup sends
 * plain RTP (one PlainTransport per track, `comedia: false`, RTCP on its own
 * port because ffmpeg's demuxer expects RTCP on port+1) to UDP ports ffmpeg
 * listens on, described by an SDP file; ffmpeg transcodes VP8→H.264 and
 * Opus→AAC into mpegts segments.
 *
 * Every run appends to the same playlist (`append_list`, which also inserts
 * `#EXT-X-DISCONTINUITY`), with segment names prefixed by a per-run tag so runs
 * never overwrite each other, and none writes `#EXT-X-ENDLIST`
 * (`omit_endlist`): HlsRecording adds it once the broadcast is over.
 */
export class HlsEgress extends EnhancedEventEmitter<HlsEgressEvents> {
  readonly #legs: Leg[];
  readonly #child: ChildProcess;
  readonly #logger: Logger;
  readonly #tmpDir: string;
  readonly #streamDir: string;
  readonly #tag: string;
  readonly #spawnedAt: number;
  readonly #stderrTail: string[] = [];
  readonly #exited: Promise<void>;
  #keyframeTimer: NodeJS.Timeout | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
  #firstSegmentMs: number | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;

  static async create(options: HlsEgressOptions): Promise<HlsEgress> {
    const { router, video, audio, streamDir } = options;
    const tag = `s${Date.now().toString(36)}`;
    const logger = childLogger(options.logger, 'HlsEgress', { session: tag });
    await mkdir(streamDir, { recursive: true });
    const tmpDir = await mkdtemp(path.join(os.tmpdir(), 'hawker-egress-'));

    const legs: Leg[] = [];
    try {
      for (const producer of audio ? [video, audio] : [video]) legs.push(await createLeg(router, producer));
      const sdpFile = path.join(tmpDir, 'input.sdp');
      await writeFile(sdpFile, buildSdp(legs));
      // Appending to a playlist that does not exist yet would start it with a stray DISCONTINUITY.
      const append = await access(playlistFile(streamDir)).then(
        () => true,
        () => false,
      );
      const args = ffmpegArgs({ sdpFile, streamDir, tag, hasAudio: legs.some((l) => l.kind === 'audio'), append });
      logger.debug({ args }, 'spawning ffmpeg');
      // detached: its own process group, so a Ctrl-C in the terminal reaches only
      // us and ffmpeg stops when close() says so (after the routers, not before).
      const child = spawn(options.ffmpegPath ?? FFMPEG_PATH, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
      return new HlsEgress({ legs, child, logger, tmpDir, streamDir, tag });
    } catch (error) {
      for (const leg of legs) leg.transport.close();
      await rm(tmpDir, { recursive: true, force: true });
      throw error;
    }
  }

  private constructor(init: { legs: Leg[]; child: ChildProcess; logger: Logger; tmpDir: string; streamDir: string; tag: string }) {
    super(init.logger);
    this.#legs = init.legs;
    this.#child = init.child;
    this.#logger = init.logger;
    this.#tmpDir = init.tmpDir;
    this.#streamDir = init.streamDir;
    this.#tag = init.tag;
    this.#spawnedAt = performance.now();

    let pending = '';
    init.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split(/\r?\n|\r/);
      pending = lines.pop() ?? '';
      for (const line of lines) this.#onStderrLine(line);
    });
    this.#exited = new Promise((resolve) => {
      init.child.once('error', (error) => {
        // spawn failures (ENOENT) arrive here instead of 'exit'.
        this.#stderrTail.push(String(error));
        this.#onExit(null, null);
        resolve();
      });
      init.child.once('exit', (code, signal) => {
        this.#onExit(code, signal);
        resolve();
      });
    });

    // The consumers were created paused so nothing was sent before ffmpeg
    // existed; resume now and ask for a keyframe (ffmpeg's decoder needs one).
    void Promise.all(this.#legs.map((leg) => leg.consumer.resume()))
      .then(() => this.#requestKeyFrame())
      .catch((error: unknown) => this.#logger.warn({ err: error }, 'could not resume egress consumers'));
    this.#keyframeTimer = setInterval(() => this.#requestKeyFrame(), KEYFRAME_RETRY_MS);
    this.#pollTimer = setInterval(() => void this.#pollFirstSegment(), FIRST_SEGMENT_POLL_MS);
    this.#logger.info({ ffmpegPid: init.child.pid, ports: this.#legs.map((l) => `${l.kind}:${l.rtpPort}`) }, 'ffmpeg HLS egress started');
  }

  get closed(): boolean {
    return this.#closed;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get playlistPath(): string {
    return playlistFile(this.#streamDir);
  }

  /** ms from spawning ffmpeg to this run's first segment, once it exists. */
  get firstSegmentMs(): number | undefined {
    return this.#firstSegmentMs;
  }

  /** The producers this run reads, to tell whether the broadcast's tracks changed under it. */
  get producerIds(): string[] {
    return this.#legs.map((leg) => leg.consumer.producerId);
  }

  /**
   * Ends this run and resolves once ffmpeg has exited. Idempotent.
   *
   * ffmpeg is told the stream ended the RTP way, with an RTCP BYE per track:
   * it then drains, finishes the segment in progress and exits 0. A signal is
   * only the fallback, because SIGINT does not interrupt a read on a stalled
   * input (the publisher's tab is gone) and a second SIGINT aborts ffmpeg's
   * own writes, which can leave an empty playlist behind. SIGKILL is the last
   * resort: with temp_file it loses the unfinished segment, never the playlist.
   */
  close(): Promise<void> {
    if (this.#closed) return this.#closing ?? Promise.resolve();
    this.#closed = true;
    this.#stopTimers();
    this.#closing = (async () => {
      const running = () => this.#child.exitCode === null && this.#child.signalCode === null;
      const exitWithin = (ms: number) => Promise.race([this.#exited.then(() => true), sleep(ms).then(() => false)]);
      if (running()) {
        await sendRtcpBye(this.#legs.map((leg) => ({ port: leg.rtcpPort, ssrc: leg.consumer.rtpParameters.encodings?.[0]?.ssrc ?? 0 })));
        if (!(await exitWithin(STOP_STEP_MS)) && running()) {
          this.#logger.warn('ffmpeg did not stop on RTCP BYE; sending SIGINT');
          this.#child.kill('SIGINT');
          if (!(await exitWithin(STOP_STEP_MS)) && running()) {
            this.#logger.warn('ffmpeg ignored SIGINT; killing it');
            this.#child.kill('SIGKILL');
            await this.#exited;
          }
        }
      }
      for (const leg of this.#legs) leg.transport.close();
      await rm(this.#tmpDir, { recursive: true, force: true });
      this.#logger.info({ code: this.#child.exitCode, signal: this.#child.signalCode }, 'ffmpeg HLS egress stopped');
    })();
    return this.#closing;
  }

  #onStderrLine(line: string): void {
    if (!line) return;
    this.#stderrTail.push(line);
    if (this.#stderrTail.length > STDERR_TAIL_LINES) this.#stderrTail.shift();
    this.#logger.debug({ ffmpeg: line }, 'ffmpeg');
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.#stopTimers();
    if (this.#closed) return;
    // Not asked to stop: the run is over (bad input, a port taken, a crash).
    // Close our side and let the owner decide whether to start another run.
    this.#closed = true;
    this.#closing = (async () => {
      for (const leg of this.#legs) leg.transport.close();
      await rm(this.#tmpDir, { recursive: true, force: true });
    })();
    const exit: HlsEgressExit = { code, signal, stderrTail: [...this.#stderrTail] };
    this.#logger.warn(exit, 'ffmpeg HLS egress exited unexpectedly');
    this.safeEmit('exit', exit);
  }

  #requestKeyFrame(): void {
    if (this.#firstSegmentMs !== undefined) return;
    for (const leg of this.#legs) {
      if (leg.kind !== 'video' || leg.consumer.closed) continue;
      leg.consumer.requestKeyFrame().catch((error: unknown) => this.#logger.debug({ err: error }, 'keyframe request failed'));
    }
  }

  async #pollFirstSegment(): Promise<void> {
    if (this.#firstSegmentMs !== undefined || this.#closed) return;
    let files: string[];
    try {
      files = await readdir(this.#streamDir);
    } catch {
      return;
    }
    // ffmpeg (temp_file) renames a segment into place only once it is complete.
    if (this.#firstSegmentMs !== undefined || !files.some((f) => f.startsWith(`${this.#tag}-`) && f.endsWith('.ts'))) return;
    this.#firstSegmentMs = Math.round(performance.now() - this.#spawnedAt);
    this.#stopTimers();
    this.#logger.info({ firstSegmentMs: this.#firstSegmentMs }, 'first HLS segment written');
    this.safeEmit('firstsegment', this.#firstSegmentMs);
  }

  #stopTimers(): void {
    clearInterval(this.#keyframeTimer);
    clearInterval(this.#pollTimer);
    this.#keyframeTimer = undefined;
    this.#pollTimer = undefined;
  }
}

/**
 * A PlainTransport sending one producer to a UDP port pair for ffmpeg. The
 * consumer offers only the producer's own codec, without RTX (ffmpeg neither
 * asks for retransmissions nor understands them), and for simulcast video it
 * takes the highest layer: there is no bandwidth estimation on a plain
 * transport, so the preferred layer is what gets sent.
 */
async function createLeg(router: types.Router, producer: types.Producer): Promise<Leg> {
  const { rtpPort, rtcpPort } = await freeUdpPortPair(LOOPBACK);
  const transport = await router.createPlainTransport({
    listenInfo: { protocol: 'udp', ip: LOOPBACK },
    rtcpMux: false,
    comedia: false,
    appData: { purpose: 'hls' },
  });
  try {
    await transport.connect({ ip: LOOPBACK, port: rtpPort, rtcpPort });
    const mimeType = producer.rtpParameters.codecs[0]?.mimeType.toLowerCase();
    const codecs = router.rtpCapabilities.codecs?.filter((c) => c.kind === producer.kind && c.mimeType.toLowerCase() === mimeType) ?? [];
    const consumer = await transport.consume({
      producerId: producer.id,
      rtpCapabilities: { codecs, headerExtensions: [] },
      paused: true,
      preferredLayers: { spatialLayer: 3, temporalLayer: 3 },
    });
    return { kind: producer.kind, transport, consumer, rtpPort, rtcpPort };
  } catch (error) {
    transport.close();
    throw error;
  }
}
