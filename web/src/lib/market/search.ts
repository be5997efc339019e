import type { ListingsOptions, ListingSort } from '../catalog.js';

/** What /search?q=&category=&minPrice=&maxPrice=&sort= asks for; prices in minor units, as the api takes them. */
export interface SearchFilters {
  q: string;
  category: string;
  minPrice: number | null;
  maxPrice: number | null;
  sort: ListingSort | null;
}

export const SORT_OPTIONS: { value: ListingSort; label: string }[] = [
  { value: 'relevance', label: 'Best match' },
  { value: 'newest', label: 'Newest' },
  { value: 'price_asc', label: 'Price: low to high' },
  { value: 'price_desc', label: 'Price: high to low' },
];

const SORTS = new Set<string>(SORT_OPTIONS.map((o) => o.value));

function price(value: string | null): number | null {
  if (value === null || !/^\d{1,15}$/.test(value)) return null;
  return Number(value);
}

/**
 * Reads the filters from a URL, dropping what the api would reject with a 400
 * (a hand-edited link should still show results, not an error): unknown sorts,
 * non-integer prices, and "best match" without a query to match.
 */
export function filtersFromQuery(query: URLSearchParams): SearchFilters {
  const q = (query.get('q') ?? '').trim().slice(0, 200);
  const sortParam = query.get('sort') ?? '';
  const sort = SORTS.has(sortParam) && !(sortParam === 'relevance' && q === '') ? (sortParam as ListingSort) : null;
  return {
    q,
    category: (query.get('category') ?? '').trim().slice(0, 60),
    minPrice: price(query.get('minPrice')),
    maxPrice: price(query.get('maxPrice')),
    sort,
  };
}

/** The shareable URL of a search; empty filters are left out. */
export function searchHref(filters: Partial<SearchFilters>): string {
  const params = new URLSearchParams();
  const q = filters.q?.trim();
  if (q) params.set('q', q);
  const category = filters.category?.trim();
  if (category) params.set('category', category);
  if (filters.minPrice != null) params.set('minPrice', String(filters.minPrice));
  if (filters.maxPrice != null) params.set('maxPrice', String(filters.maxPrice));
  if (filters.sort && !(filters.sort === 'relevance' && !q)) params.set('sort', filters.sort);
  const query = params.toString();
  return query ? `/search?${query}` : '/search';
}

export function listingsOptions(filters: SearchFilters): ListingsOptions {
  return {
    ...(filters.q ? { q: filters.q } : {}),
    ...(filters.category ? { category: filters.category } : {}),
    minPrice: filters.minPrice,
    maxPrice: filters.maxPrice,
    sort: filters.sort,
  };
}
