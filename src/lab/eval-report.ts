/**
 * @module Summary of an evaluation run: the figures of each configuration (summed word
 * scores, median character error rate, detection or word-box F1, duplicate-word rate, seconds
 * per page),
 * as a JSON report and as a table for the terminal.
 */
import { availableParallelism } from 'node:os';
import type { DatasetLayout } from './dataset.js';
import type { EvalRun, RunFigures } from './eval.js';
import { addCounts, median, quantile, type Score, score } from './metrics.js';

export interface RunSummary {
  label: string;
  pages: number;
  words: Score;
  wordsCaseInsensitive: Score;
  medianCer: number;
  medianCerCaseInsensitive: number;
  medianCerNoSpaces: number;
  detection?: Score;
  wordBoxes?: Score;
  duplicateWordRate: number;
  medianSecondsPerPage: number;
  p90SecondsPerPage: number;
  /** Median seconds per page over the peer's median, measured interleaved. */
  timeRatioToPeer?: number;
}

export interface EvalReport {
  dataset: string;
  layout: DatasetLayout;
  command: string;
  date: string;
  machine: { cpus: number; node: string; platform: string };
  rounds: number;
  peakMemoryMb: number;
  runs: RunSummary[];
  peer?: RunSummary & { version: string };
  peerMissing?: string;
  /** Images not scored because they have no truth file. */
  withoutTruth: string[];
  perPage: Array<Record<string, unknown>>;
}

/** The report of a run; `command` is the command line that produced it. */
export function summarizeEval(run: EvalRun, command: string): EvalReport {
  const peerMedian = run.peer ? median(run.peer.secondsPerPage) : undefined;
  const runs = [run.lectern, ...(run.compared ? [run.compared] : [])].map((figures) =>
    summarizeRun(figures, peerMedian),
  );
  return {
    dataset: run.dataset,
    layout: run.layout,
    command,
    date: new Date().toISOString(),
    machine: { cpus: availableParallelism(), node: process.version, platform: process.platform },
    rounds: run.rounds,
    peakMemoryMb: round(run.peakMemoryBytes / 2 ** 20, 1),
    runs,
    ...(run.peer
      ? { peer: { ...summarizeRun(run.peer, undefined), version: run.peer.version } }
      : {}),
    ...(run.peerMissing ? { peerMissing: run.peerMissing } : {}),
    withoutTruth: run.withoutTruth,
    perPage: perPage(run),
  };
}

function summarizeRun(figures: RunFigures, peerMedian: number | undefined): RunSummary {
  const pages = figures.pages;
  const detections = pages.flatMap((page) => (page.detection ? [page.detection] : []));
  const wordBoxes = pages.flatMap((page) => (page.wordBoxes ? [page.wordBoxes] : []));
  const words = pages.reduce((sum, page) => sum + page.wordCount, 0);
  const duplicates = pages.reduce((sum, page) => sum + page.duplicateWords, 0);
  const seconds = median(figures.secondsPerPage);
  return {
    label: figures.label,
    pages: pages.length,
    words: rounded(score(addCounts(pages.map((page) => page.words)))),
    wordsCaseInsensitive: rounded(score(addCounts(pages.map((page) => page.wordsCaseInsensitive)))),
    medianCer: round(median(pages.map((page) => page.cer)), 4),
    medianCerCaseInsensitive: round(median(pages.map((page) => page.cerCaseInsensitive)), 4),
    medianCerNoSpaces: round(median(pages.map((page) => page.cerNoSpaces)), 4),
    ...(detections.length > 0 ? { detection: rounded(score(addCounts(detections))) } : {}),
    ...(wordBoxes.length > 0 ? { wordBoxes: rounded(score(addCounts(wordBoxes))) } : {}),
    duplicateWordRate: words === 0 ? 0 : round(duplicates / words, 4),
    medianSecondsPerPage: round(seconds, 3),
    p90SecondsPerPage: round(quantile(figures.secondsPerPage, 0.9), 3),
    ...(peerMedian ? { timeRatioToPeer: round(seconds / peerMedian, 2) } : {}),
  };
}

function perPage(run: EvalRun): Array<Record<string, unknown>> {
  return run.lectern.pages.map((page, i) => ({
    ...page,
    seconds: round(run.lectern.secondsPerPage[i] ?? Number.NaN, 3),
    ...(run.peer ? { peerSeconds: round(run.peer.secondsPerPage[i] ?? Number.NaN, 3) } : {}),
  }));
}

function rounded(value: Score): Score {
  return {
    precision: round(value.precision, 4),
    recall: round(value.recall, 4),
    f1: round(value.f1, 4),
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** The report as a fixed-width table, one column per configuration and one for the peer. */
export function formatEvalTable(report: EvalReport): string {
  const columns = [...report.runs, ...(report.peer ? [report.peer] : [])];
  const rows: TableRow[] = [
    ['pages', (r) => String(r.pages)],
    ['word F1 (case-insensitive)', (r) => fixed(r.wordsCaseInsensitive.f1)],
    [
      '  precision / recall',
      (r) => `${fixed(r.wordsCaseInsensitive.precision)} / ${fixed(r.wordsCaseInsensitive.recall)}`,
    ],
    ['word F1 (case-sensitive)', (r) => fixed(r.words.f1)],
    ['median CER', (r) => fixed(r.medianCer)],
    ['median CER (case-folded)', (r) => fixed(r.medianCerCaseInsensitive)],
    ['median CER (folded, no spaces)', (r) => fixed(r.medianCerNoSpaces)],
    ...boxRow(columns, 'detection', 'detection F1 (IoU >= 0.5)'),
    ...boxRow(columns, 'wordBoxes', 'word-box F1 (IoU >= 0.5)'),
    ['duplicate-word rate', (r) => fixed(r.duplicateWordRate, 4)],
    ['median s/page', (r) => fixed(r.medianSecondsPerPage, 2)],
    ['p90 s/page', (r) => fixed(r.p90SecondsPerPage, 2)],
    [
      'time ratio to tesseract CLI',
      (r) => (r.timeRatioToPeer ? `${fixed(r.timeRatioToPeer, 2)}x` : '-'),
    ],
  ];
  const width = Math.max(...columns.map((c) => c.label.length), 12);
  const head = `${''.padEnd(32)}${columns.map((c) => c.label.padStart(width + 2)).join('')}`;
  const body = rows.map(
    ([name, cell]) =>
      `${name.padEnd(32)}${columns.map((c) => cell(c).padStart(width + 2)).join('')}`,
  );
  const notes = [
    `dataset: ${report.dataset} (${report.layout.toUpperCase()} layout)`,
    `peak memory (Lectern's process tree): ${report.peakMemoryMb} MB`,
    ...(report.peerMissing ? [`peer: ${report.peerMissing}`] : []),
    ...withoutTruthNote(report.withoutTruth),
    `${report.machine.cpus} CPUs, Node ${report.machine.node}, ${report.rounds} round(s)`,
  ];
  return [head, ...body, '', ...notes].join('\n');
}

type TableRow = [string, (run: RunSummary) => string];

// Named, not only counted: each is a page the figures above leave out.
function withoutTruthNote(images: readonly string[]): string[] {
  if (images.length === 0) return [];
  return [`not scored, no truth file (${images.length}): ${images.join(', ')}`];
}

// Each layout has one kind of box truth (lines or words): the other row would be all dashes.
function boxRow(
  columns: RunSummary[],
  figure: 'detection' | 'wordBoxes',
  name: string,
): TableRow[] {
  if (!columns.some((column) => column[figure])) return [];
  return [[name, (r) => fixed(r[figure]?.f1 ?? Number.NaN)]];
}

function fixed(value: number, digits = 3): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '-';
}
