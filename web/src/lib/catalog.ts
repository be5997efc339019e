import type { ListingsPage, StreamStatus, StreamsResponse } from '@hawker/shared';
import { apiFetch } from './api.js';

// The read-only catalogue endpoints, in one place so pages never build URLs by hand.

export function fetchStreams(status: StreamStatus, signal?: AbortSignal): Promise<StreamsResponse> {
  return apiFetch<StreamsResponse>(`/api/streams?${new URLSearchParams({ status })}`, { signal });
}

export interface ListingsOptions {
  limit?: number;
  cursor?: string | null;
  shopId?: string;
  category?: string;
}

export function fetchListings(options: ListingsOptions = {}, signal?: AbortSignal): Promise<ListingsPage> {
  const params = new URLSearchParams();
  if (options.limit !== undefined) params.set('limit', String(options.limit));
  if (options.cursor) params.set('cursor', options.cursor);
  if (options.shopId) params.set('shopId', options.shopId);
  if (options.category) params.set('category', options.category);
  const query = params.toString();
  return apiFetch<ListingsPage>(query ? `/api/listings?${query}` : '/api/listings', { signal });
}
