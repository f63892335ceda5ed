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
  failedDocuments: [
    { document: 'in/empty.jpg', code: 'EMPTY_DOCUMENT', message: 'the document is empty' },
  ],
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
        '              in/empty.jpg: EMPTY_DOCUMENT: the document is empty',
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

it('names ten failed documents, one a line, and counts the others', () => {
  const failedDocuments = Array.from({ length: 12 }, (_, i) => ({
    document: `f${i}.pdf`,
    code: 'ENCRYPTED_PDF',
  }));

  const lines = readSummaryText({ ...figures, failed: 12, failedDocuments }, 0).split('\n');

  expect(lines.slice(4, 6)).toEqual([
    '              f0.pdf: ENCRYPTED_PDF',
    '              f1.pdf: ENCRYPTED_PDF',
  ]);
  expect(lines[14]).toBe('              and 2 more, each named above as it failed');
});

describe('printSummary', () => {
  it('puts the partial documents between the succeeded and the failed ones', () => {
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((text: string) => printed.push(text));
    const summary: BatchSummary = {
      mode: 'on-premise',
      ...figures,
      reused: 0,
      reusedDocuments: [],
      latencyMs: { median: 1000, p95: 2000, max: 2000 },
      wallMs: 3000,
    };

    printSummary(summary, false);
    printSummary(summary, true);

    const lines = (printed[0] ?? '').split('\n');
    expect(lines.slice(1, 6)).toEqual(readSummaryText(figures, 0).split('\n').slice(0, 5));
    expect(JSON.parse(printed[1] ?? '{}')).toMatchObject({
      partial: 1,
      partialDocuments: ['in/c24-truncated-45pct.jpg'],
      failedDocuments: figures.failedDocuments,
    });
  });

  it('says how many documents took the outcome of an earlier run, only when some did', () => {
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((text: string) => printed.push(text));
    const summary: BatchSummary = {
      mode: 'platform',
      ...figures,
      reused: 3,
      reusedDocuments: ['a.png', 'b.png', 'c.png'],
      latencyMs: { median: 0, p95: 0, max: 0 },
      wallMs: 0,
    };

    printSummary(summary, false);
    printSummary({ ...summary, reused: 0, reusedDocuments: [] }, false);

    expect(printed[0]).toContain(
      '\nreused        3 (same bytes as in an earlier run: its outcome taken)\n',
    );
    expect(printed[1]).not.toContain('reused');
  });
});
