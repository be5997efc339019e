import type { SponsorshipReport } from '@hawker/shared';
import { Resource } from '../resource.svelte.js';
import { getSponsorshipReport } from './api.js';
import { minuteSeries, type MinuteSeries } from './report-series.js';

/** One sponsorship's report, with its minutes shaped for the charts. */
export class ReportView {
  readonly report: Resource<SponsorshipReport>;
  readonly series: MinuteSeries = $derived.by(() => minuteSeries(this.report.data?.minutes ?? []));

  constructor(id: string) {
    this.report = new Resource((signal) => getSponsorshipReport(id, signal));
  }

  load(): void {
    void this.report.load();
  }

  abort(): void {
    this.report.abort();
  }
}
