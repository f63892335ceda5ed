/**
 * Grouping line crops of similar widths into batches. A batch is padded to its widest crop, so
 * mixing a 40-pixel word with a 900-pixel line wastes most of the work on padding; grouping by
 * width keeps the padding small while still giving ONNX Runtime several lines per run.
 */

/** Limits of one batch. */
export interface BatchLimits {
  /** Most crops in a batch. Default 16. */
  maxCount?: number;
  /** Most padded columns (batch width x crops) in a batch, which bounds memory. Default 12 000. */
  maxColumns?: number;
  /** Largest share of padding allowed in a batch, 0..1. Default 0.25. */
  maxPadding?: number;
}

/**
 * Indices of `widths` grouped into batches, widest first. Every index appears exactly once.
 */
export function planBatches(widths: readonly number[], limits: BatchLimits = {}): number[][] {
  const maxCount = limits.maxCount ?? 16;
  const maxColumns = limits.maxColumns ?? 12_000;
  const maxPadding = limits.maxPadding ?? 0.25;
  const order = widths
    .map((_, index) => index)
    .sort((a, b) => (widths[b] as number) - (widths[a] as number));

  const batches: number[][] = [];
  let current: number[] = [];
  let batchWidth = 0;
  let used = 0;
  for (const index of order) {
    const width = widths[index] as number;
    const padded = batchWidth * (current.length + 1);
    const fits =
      current.length < maxCount &&
      padded <= maxColumns &&
      1 - (used + width) / padded <= maxPadding;
    if (current.length > 0 && !fits) {
      batches.push(current);
      current = [];
    }
    if (current.length === 0) {
      batchWidth = width;
      used = 0;
    }
    current.push(index);
    used += width;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
