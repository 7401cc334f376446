/** Percentile of sorted numbers (nearest rank). */
export const percentile = (sorted, p) => {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
};

/** The latency summary of a run, milliseconds; `curve` feeds the plot. */
export const summarize = (values) => {
  const sorted = Float64Array.from(values).sort();
  const curve = [1, 5, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9].map((p) => [p, round(percentile(sorted, p))]);
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    p999: round(percentile(sorted, 99.9)),
    max: round(sorted.length ? sorted[sorted.length - 1] : NaN),
    curve,
  };
};

export const median = (values) => {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return NaN;
  const mid = finite.length >> 1;
  return finite.length % 2 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
};

export const round = (v, digits = 3) => (Number.isFinite(v) ? Number(v.toFixed(digits)) : null);
