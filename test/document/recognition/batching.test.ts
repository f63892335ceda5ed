import { describe, expect, it } from 'vitest';
import { planBatches } from '../../../src/document/recognition/batching.js';

describe('planBatches', () => {
  it('uses every crop exactly once', () => {
    const widths = [40, 900, 45, 300, 310, 42, 880];
    const batches = planBatches(widths, { maxCount: 4, maxColumns: 10_000 });

    expect(batches.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('groups crops of similar widths, widest first', () => {
    const widths = [40, 900, 45, 300, 310, 42, 880];
    const batches = planBatches(widths, { maxCount: 4, maxColumns: 10_000, maxPadding: 0.2 });

    expect(batches).toEqual([
      [1, 6],
      [4, 3],
      [2, 5, 0],
    ]);
  });

  it('respects the count and column limits', () => {
    const widths = Array.from({ length: 10 }, () => 100);

    expect(planBatches(widths, { maxCount: 3 }).map((b) => b.length)).toEqual([3, 3, 3, 1]);
    expect(planBatches(widths, { maxColumns: 250 }).map((b) => b.length)).toEqual([2, 2, 2, 2, 2]);
  });
});
