import {
  broadcastStatusSchema,
  MEDIA_INTERNAL_HEADER,
  mediaHealthResponseSchema,
  type BroadcastStatus,
  type ComponentStatus,
} from '@hawker/shared';
import { z } from 'zod';

const closeResponseSchema = z.object({ recordingPath: z.string().nullable(), durationMs: z.number().int().nonnegative() });

/** Talks to the media-server process over HTTP (health, and internal broadcast control). */
export class MediaServerClient {
  constructor(
    private readonly baseUrl: string | undefined,
    private readonly secret: string,
  ) {}

  async health(): Promise<{ status: ComponentStatus; workers?: number; sendPath?: 'io_uring' | 'libuv' }> {
    if (!this.baseUrl) return { status: 'disabled' };
    try {
      const res = await fetch(new URL('/health', this.baseUrl), { signal: AbortSignal.timeout(1500) });
      const body = mediaHealthResponseSchema.safeParse(await res.json());
      if (!body.success) return { status: 'degraded' };
      // Only live workers can take publishers and viewers.
      const workers = body.data.workers.filter((w) => w.alive).length;
      return { status: res.ok ? 'ok' : 'degraded', workers, sendPath: body.data.sendPath };
    } catch {
      return { status: 'down' };
    }
  }

  async broadcast(streamId: string): Promise<BroadcastStatus | null> {
    if (!this.baseUrl) return null;
    const res = await fetch(new URL(`/internal/broadcasts/${streamId}`, this.baseUrl), {
      headers: this.headers(),
      signal: AbortSignal.timeout(3000),
    });
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`media-server answered ${res.status}`);
    return broadcastStatusSchema.parse(await res.json());
  }

  /** Closes the broadcast (idempotent on the media side); null when there was none. */
  async closeBroadcast(streamId: string): Promise<z.infer<typeof closeResponseSchema> | null> {
    if (!this.baseUrl) return null;
    const res = await fetch(new URL(`/internal/broadcasts/${streamId}/close`, this.baseUrl), {
      method: 'POST',
      headers: this.headers(),
      signal: AbortSignal.timeout(15_000),
    });
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`media-server answered ${res.status}`);
    return closeResponseSchema.parse(await res.json());
  }

  private headers(): Record<string, string> {
    return { [MEDIA_INTERNAL_HEADER]: this.secret };
  }
}
