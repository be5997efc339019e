import { mediaHealthResponseSchema, type ComponentStatus } from '@hawker/shared';

/** Talks to the media-server process over HTTP. */
export class MediaServerClient {
  constructor(private readonly baseUrl: string | undefined) {}

  async health(): Promise<{ status: ComponentStatus; workers?: number }> {
    if (!this.baseUrl) return { status: 'disabled' };
    try {
      const res = await fetch(new URL('/health', this.baseUrl), { signal: AbortSignal.timeout(1500) });
      const body = mediaHealthResponseSchema.safeParse(await res.json());
      if (!body.success) return { status: 'degraded' };
      // Only live workers can take publishers and viewers.
      const workers = body.data.workers.filter((w) => w.alive).length;
      return { status: res.ok ? 'ok' : 'degraded', workers };
    } catch {
      return { status: 'down' };
    }
  }
}
