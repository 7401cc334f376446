import type { Metric, Registry } from 'prom-client';

/** One series: its labels, its observations per bucket (not cumulative; past the last bound, none), their sum and count. */
export interface HistogramSeries<L> {
  readonly labels: L;
  readonly perBucket: Float64Array;
  sum: number;
  count: number;
  /** Listed by the registry: from its first observation (since the last reset) on. */
  listed: boolean;
}

/** One line of a histogram, as prom-client's own Histogram gives it to the registry (`get()`). */
interface Line {
  readonly value: number;
  readonly metricName: string;
  readonly exemplar?: null;
  readonly labels: Record<string, string | number>;
}

/**
 * A Prometheus histogram whose observations are counted in plain fields,
 * in the registry beside prom-client's own metrics. prom-client's
 * `Histogram.observe` validates and hashes its label object into a new key
 * string on every call, about a microsecond per backend call even when
 * batched (docs/benchmarks.md, findings 24 and 25), and has no way to add
 * counts in bulk. Here a caller finds its series once (`series`) and each
 * observation is a bucket search and three additions (`observe`).
 *
 * What the registry shows (text and JSON) is exactly what prom-client's
 * Histogram shows for the same observations: the same lines, values, label
 * order and series order (first observed first), the sum added in the same
 * order (a unit test compares them). No exemplars; the registry's default
 * labels are applied by the registry, as for any metric.
 */
export class CountedHistogram<L extends Record<string, string>> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private all: HistogramSeries<L>[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    // the registry takes any object with prom-client's metric shape: name, get(), reset()
    registry.registerMetric(this as unknown as Metric);
  }

  /** A new series, for `observe`: listed from its first observation on, after those observed before. */
  series(labels: L): HistogramSeries<L> {
    return { labels, perBucket: new Float64Array(this.bounds.length), sum: 0, count: 0, listed: false };
  }

  /** One observation (finite: the caller checks). */
  observe(series: HistogramSeries<L>, value: number): void {
    if (!series.listed) {
      series.listed = true;
      this.all.push(series);
    }
    const { bounds } = this;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    if (i < bounds.length) series.perBucket[i]! += 1;
    series.sum += value;
    series.count += 1;
  }

  /** Called by the registry at every scrape. */
  get(): Promise<{ name: string; help: string; type: string; values: Line[]; aggregator: string }> {
    const bucket = `${this.name}_bucket`;
    const values: Line[] = [];
    for (const { labels, perBucket, sum, count } of this.all) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += perBucket[i]!;
        values.push({ value: cumulative, metricName: bucket, exemplar: null, labels: { le, ...labels } });
      });
      values.push(
        { value: count, metricName: bucket, exemplar: null, labels: { le: '+Inf', ...labels } },
        { value: sum, metricName: `${this.name}_sum`, labels: { ...labels } },
        { value: count, metricName: `${this.name}_count`, labels: { ...labels } },
      );
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }

  /** Forgets every observation (the registry's `resetMetrics`): a series is listed again from its next one. */
  reset(): void {
    for (const series of this.all) {
      series.perBucket.fill(0);
      series.sum = 0;
      series.count = 0;
      series.listed = false;
    }
    this.all = [];
  }
}
