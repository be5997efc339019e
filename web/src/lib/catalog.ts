import type { ListingsPage, ListingsQuery, StreamStatus, StreamsResponse } from '@hawker/shared';
import { apiFetch } from './api.js';

// The read-only catalogue endpoints, in one place so pages never build URLs by hand.

export function fetchStreams(status: StreamStatus, signal?: AbortSignal): Promise<StreamsResponse> {
  return apiFetch<StreamsResponse>(`/api/streams?${new URLSearchParams({ status })}`, { signal });
}

export type ListingSort = NonNullable<ListingsQuery['sort']>;

export interface ListingsOptions {
  /** Full-text search. */
  q?: string;
  limit?: number;
  cursor?: string | null;
  shopId?: string;
  category?: string;
  /** Price bounds in minor units. */
  minPrice?: number | null;
  maxPrice?: number | null;
  sort?: ListingSort | null;
}

export function fetchListings(options: ListingsOptions = {}, signal?: AbortSignal): Promise<ListingsPage> {
  const params = new URLSearchParams();
  if (options.q) params.set('q', options.q);
  if (options.limit !== undefined) params.set('limit', String(options.limit));
  if (options.cursor) params.set('cursor', options.cursor);
  if (options.shopId) params.set('shopId', options.shopId);
  if (options.category) params.set('category', options.category);
  if (options.minPrice != null) params.set('minPrice', String(options.minPrice));
  if (options.maxPrice != null) params.set('maxPrice', String(options.maxPrice));
  if (options.sort) params.set('sort', options.sort);
  const query = params.toString();
  return apiFetch<ListingsPage>(query ? `/api/listings?${query}` : '/api/listings', { signal });
}
