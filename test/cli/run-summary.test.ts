import { afterEach, describe, expect, it, vi } from 'vitest';
import { printSummary, readSummaryText } from '../../src/cli/run-summary.js';
import type { BatchSummary } from '../../src/workflows/deep-reader/batch-summary.js';

const figures = {
  documents: 4,
  pages: 5,
  succeeded: 2,
  partial: 1,
  partialDocuments: ['in/c24-truncated-45pct.jpg'],
  failed: 1,
  failures: { EMPTY_DOCUMENT: 1 },
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('readSummaryText', () => {
  it('gives documents and pages, succeeded, partial by name, failed by code and wall time', () => {
    expect(readSummaryText(figures, 12_345)).toBe(
      [
        'documents     4 (5 pages)',
        'succeeded     2',
        'partial       1 (in/c24-truncated-45pct.jpg)',
        'failed        1 (EMPTY_DOCUMENT x1)',
        'wall time     12.35 s',
        '',
      ].join('\n'),
    );
  });

  it('names five partial documents and counts the others', () => {
    const names = Array.from({ length: 7 }, (_, i) => `p${i}.jpg`);

    const text = readSummaryText({ ...figures, partial: 7, partialDocuments: names }, 0);

    expect(text).toContain('partial       7 (p0.jpg, p1.jpg, p2.jpg, p3.jpg, p4.jpg, and 2 more)');
  });
});

describe('printSummary', () => {
  it('puts the partial documents between the succeeded and the failed ones', () => {
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((text: string) => printed.push(text));
    const summary: BatchSummary = {
      mode: 'on-premise',
      ...figures,
      latencyMs: { median: 1000, p95: 2000, max: 2000 },
      wallMs: 3000,
    };

    printSummary(summary, false);
    printSummary(summary, true);

    const lines = (printed[0] ?? '').split('\n');
    expect(lines.slice(1, 5)).toEqual(readSummaryText(figures, 0).split('\n').slice(0, 4));
    expect(JSON.parse(printed[1] ?? '{}')).toMatchObject({
      partial: 1,
      partialDocuments: ['in/c24-truncated-45pct.jpg'],
    });
  });
});
