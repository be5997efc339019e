import type { ComponentStatus } from '@hawker/shared';

/** Talks to the media-server process over HTTP. */
export class MediaServerClient {
  constructor(private readonly baseUrl: string | undefined) {}

  async health(): Promise<{ status: ComponentStatus; workers?: number }> {
    if (!this.baseUrl) return { status: 'disabled' };
    try {
      const res = await fetch(new URL('/health', this.baseUrl), { signal: AbortSignal.timeout(1500) });
      const body = (await res.json()) as { workers?: unknown[] };
      const workers = Array.isArray(body.workers) ? body.workers.length : undefined;
      return { status: res.ok ? 'ok' : 'degraded', ...(workers === undefined ? {} : { workers }) };
    } catch {
      return { status: 'down' };
    }
  }
}
