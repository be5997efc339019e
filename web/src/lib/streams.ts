import type { CreateStreamBody, MediaTokenResponse, ShowableListing, StreamDetail, StreamSales } from '@hawker/shared';
import { apiFetch } from './api.js';

// The stream endpoints the studio and the players use, in one place so pages
// never build URLs by hand.

const streamPath = (id: string) => `/api/streams/${encodeURIComponent(id)}`;

export function fetchStream(id: string, signal?: AbortSignal): Promise<StreamDetail> {
  return apiFetch<StreamDetail>(streamPath(id), { signal });
}

/** Creator role required; the new stream is 'scheduled' until video reaches the media server. */
export function createStream(body: CreateStreamBody): Promise<StreamDetail> {
  return apiFetch<StreamDetail>('/api/streams', { body });
}

/** A short-lived token for the media socket: 'publish' for the stream's owner, 'consume' for anyone else. */
export function fetchMediaToken(id: string, signal?: AbortSignal): Promise<MediaTokenResponse> {
  return apiFetch<MediaTokenResponse>(`${streamPath(id)}/media-token`, { method: 'POST', signal });
}

export function endStream(id: string): Promise<StreamDetail> {
  return apiFetch<StreamDetail>(`${streamPath(id)}/end`, { method: 'POST' });
}

/** The creator's live sales figures for one of their streams (403 for anyone else). */
/** What the creator may pin or put on a deal in their stream: their own listings, the sponsor's, ones offered to creators. */
export async function fetchShowableListings(id: string, signal?: AbortSignal): Promise<ShowableListing[]> {
  return (await apiFetch<{ data: ShowableListing[] }>(`${streamPath(id)}/showable`, { signal })).data;
}

export function fetchStreamSales(id: string, signal?: AbortSignal): Promise<StreamSales> {
  return apiFetch<StreamSales>(`${streamPath(id)}/sales`, { signal });
}
