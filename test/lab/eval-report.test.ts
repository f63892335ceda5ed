import { describe, expect, it } from 'vitest';
import type { EvalRun } from '../../src/lab/eval.js';
import { formatEvalTable, summarizeEval } from '../../src/lab/eval-report.js';
import type { PageScore } from '../../src/lab/page-score.js';

const counts = (matched: number, predicted: number, truth: number) => ({
  matched,
  predicted,
  truth,
});

const page = (id: string, boxes: Partial<PageScore>): PageScore => ({
  id,
  words: counts(8, 10, 10),
  wordsCaseInsensitive: counts(9, 10, 10),
  cer: 0.1,
  cerCaseInsensitive: 0.05,
  cerNoSpaces: 0.04,
  duplicateWords: 0,
  wordCount: 10,
  ...boxes,
});

const run = (layout: EvalRun['layout'], pages: PageScore[], withoutTruth: string[] = []) =>
  ({
    dataset: `data/${layout}`,
    layout,
    pages: [],
    withoutTruth,
    lectern: { label: 'lectern 3x3', pages, secondsPerPage: pages.map(() => 0.5) },
    peerMissing: 'not run (--no-peer)',
    peakMemoryBytes: 2 ** 29,
    rounds: 1,
  }) satisfies EvalRun;

describe('formatEvalTable', () => {
  it('shows word-box F1, not detection F1, for a dataset with word-level truth', () => {
    const report = summarizeEval(
      run('funsd', [
        page('a', { wordBoxes: counts(6, 10, 8) }),
        page('b', { wordBoxes: counts(2, 10, 12) }),
      ]),
      'lectern eval data/funsd',
    );

    const table = formatEvalTable(report);

    expect(report.runs[0]?.wordBoxes).toEqual({ precision: 0.4, recall: 0.4, f1: 0.4 });
    expect(table).toMatch(/word-box F1 \(IoU >= 0\.5\) +0\.400/u);
    expect(table).not.toContain('detection F1');
    expect(table).toContain('dataset: data/funsd (FUNSD layout)');
  });

  it('shows detection F1, not word-box F1, for a dataset with line-level truth', () => {
    const report = summarizeEval(
      run('sroie', [page('000', { detection: counts(3, 4, 4) })]),
      'lectern eval data/sroie',
    );

    const table = formatEvalTable(report);

    expect(table).toMatch(/detection F1 \(IoU >= 0\.5\) +0\.750/u);
    expect(table).not.toContain('word-box F1');
  });

  it('names the images left unscored for want of a truth file, and only when there are some', () => {
    const pages = [page('000', { detection: counts(3, 4, 4) })];
    const missing = summarizeEval(run('sroie', pages, ['001.jpg', '002.jpg']), 'lectern eval');
    const complete = summarizeEval(run('sroie', pages), 'lectern eval');

    expect(missing.withoutTruth).toEqual(['001.jpg', '002.jpg']);
    expect(formatEvalTable(missing)).toContain('not scored, no truth file (2): 001.jpg, 002.jpg');
    expect(formatEvalTable(complete)).not.toContain('no truth file');
  });
});
