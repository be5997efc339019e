import type { CreatorCard } from '@hawker/shared';
import { Resource } from '../resource.svelte.js';
import { findCreators } from './api.js';

/** The brand's search for creators to sponsor; an empty query lists the api's default picks. */
export class CreatorSearch {
  query = $state('');
  /** The query the results answer (the box may have changed since). */
  asked = $state<string | null>(null);
  readonly results = new Resource<{ data: CreatorCard[] }>((signal) => findCreators(this.asked ?? '', signal));

  get creators(): CreatorCard[] {
    return this.results.data?.data ?? [];
  }

  search(): void {
    this.asked = this.query.trim();
    void this.results.load();
  }

  abort(): void {
    this.results.abort();
  }
}
