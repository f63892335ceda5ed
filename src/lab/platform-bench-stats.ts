/**
 * @module Summaries of timing samples for the platform benchmark.
 */

/** Median, 99th percentile and extremes of a set of samples. */
export interface Distribution {
  samples: number;
  median: number;
  p99: number;
  min: number;
  max: number;
}

/** Summarises `values` (nearest-rank percentiles); NaN values are ignored. */
export function distribution(values: number[]): Distribution {
  const sorted = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  if (sorted.length === 0)
    return { samples: 0, median: Number.NaN, p99: Number.NaN, min: Number.NaN, max: Number.NaN };
  return {
    samples: sorted.length,
    median: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], fraction: number): number {
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}
