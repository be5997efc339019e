import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MEDIA_INTERNAL_HEADER, mediaEventSchema, type MediaEvent } from '@hawker/shared';
import { waitFor } from './wait.js';

export interface FakeApi {
  url: string;
  /** Events received with the right secret, parsed with the contract's schema. */
  events: MediaEvent[];
  /** Requests refused for a missing/wrong secret or an invalid body. */
  rejected: number;
  /** Answers the next `n` requests with 503, to exercise retries. */
  failNext(n: number): void;
  waitForEvent<T extends MediaEvent['type']>(type: T, timeoutMs?: number): Promise<Extract<MediaEvent, { type: T }>>;
  close(): Promise<void>;
}

/** The api's media-events endpoint, as the media-server sees it. */
export async function startFakeApi(secret: string): Promise<FakeApi> {
  const events: MediaEvent[] = [];
  let failures = 0;
  const api: FakeApi = {
    url: '',
    events,
    rejected: 0,
    failNext: (n) => void (failures = n),
    waitForEvent: async <T extends MediaEvent['type']>(type: T, timeoutMs = 10_000) =>
      (await waitFor(() => events.find((e) => e.type === type), { timeoutMs, description: `api event ${type}` })) as Extract<
        MediaEvent,
        { type: T }
      >,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => {
      if (failures > 0) {
        failures -= 1;
        res.writeHead(503).end();
        return;
      }
      const parsed = mediaEventSchema.safeParse(JSON.parse(body || 'null'));
      if (req.url !== '/api/internal/media-events' || req.headers[MEDIA_INTERNAL_HEADER] !== secret || !parsed.success) {
        api.rejected += 1;
        res.writeHead(400).end();
        return;
      }
      events.push(parsed.data);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return api;
}
