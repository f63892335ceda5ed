/**
 * @module How `lectern run` prints a batch's summary: a short table for people, or one JSON
 * object (`--json`) for scripts and the figures of the notes. `lectern read` prints the
 * outcome lines of the same table on standard error.
 */
import type {
  BatchSummary,
  FailedDocument,
  Spread,
} from '../workflows/deep-reader/batch-summary.js';

/** What the outcome lines tell: counts, reasons, names of partial and failed documents. */
export type OutcomeFigures = Pick<
  BatchSummary,
  | 'documents'
  | 'pages'
  | 'succeeded'
  | 'partial'
  | 'partialDocuments'
  | 'failed'
  | 'failures'
  | 'failedDocuments'
>;

/** Partial documents named in full; the rest are counted (`--json` names every one). */
const NAMED_PARTIAL = 5;

/** Failed documents named, one a line, with code and message; the rest are counted. */
const NAMED_FAILED = 10;

/** Where the values of the table start. */
const INDENT = ' '.repeat('documents     '.length);

/** Prints `summary` on standard output. */
export function printSummary(summary: BatchSummary, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(summary));
    return;
  }
  const lines = [
    `mode          ${summary.mode}`,
    ...outcomeLines(summary),
    ...(summary.reused > 0
      ? [`reused        ${summary.reused} (same bytes as in an earlier run: its outcome taken)`]
      : []),
    `latency       ${spread(summary.latencyMs)}`,
    `wall time     ${seconds(summary.wallMs)}`,
  ];
  if (summary.queueWaitMs) lines.push(`queue wait    ${spread(summary.queueWaitMs)}`);
  if (summary.overheadMs) lines.push(`overhead      ${spread(summary.overheadMs)}`);
  if (summary.invocations !== undefined) {
    lines.push(
      `invocations   ${summary.invocations} (${summary.throttles ?? 0} throttled calls retried)`,
      `cold starts   ${summary.coldStarts}`,
      `billed        ${(summary.billedGbSeconds ?? 0).toFixed(2)} GB-s`,
    );
  }
  for (const [table, cost] of Object.entries(summary.cost ?? {})) {
    lines.push(
      `cost ${table.padEnd(9)}$${cost.totalUsd.toFixed(6)} (invocations $${cost.invocationsUsd.toFixed(6)}, provisioned concurrency $${cost.provisionedUsd.toFixed(6)})`,
    );
  }
  console.log(lines.join('\n'));
}

/**
 * The table's lines on outcomes: documents and pages, succeeded, partial, failed, then the
 * failed documents one a line.
 */
export function outcomeLines(figures: OutcomeFigures): string[] {
  return [
    `documents     ${figures.documents} (${figures.pages} pages)`,
    `succeeded     ${figures.succeeded}`,
    `partial       ${figures.partial}${partialNames(figures.partialDocuments)}`,
    `failed        ${figures.failed}${failureReasons(figures.failures)}`,
    ...failedNames(figures.failedDocuments),
  ];
}

/** What `lectern read` prints at the end: the outcome lines and the wall time. */
export function readSummaryText(figures: OutcomeFigures, wallMs: number): string {
  return `${[...outcomeLines(figures), `wall time     ${seconds(wallMs)}`].join('\n')}\n`;
}

function partialNames(names: string[]): string {
  if (names.length === 0) return '';
  const shown = names.slice(0, NAMED_PARTIAL).join(', ');
  const more = names.length > NAMED_PARTIAL ? `, and ${names.length - NAMED_PARTIAL} more` : '';
  return ` (${shown}${more})`;
}

function failedNames(failed: FailedDocument[]): string[] {
  const lines = failed
    .slice(0, NAMED_FAILED)
    .map(
      ({ document, code, message }) =>
        `${INDENT}${document}: ${code}${message ? `: ${message}` : ''}`,
    );
  if (failed.length > NAMED_FAILED) {
    lines.push(`${INDENT}and ${failed.length - NAMED_FAILED} more, each named above as it failed`);
  }
  return lines;
}

function failureReasons(failures: Record<string, number>): string {
  const entries = Object.entries(failures);
  if (entries.length === 0) return '';
  return ` (${entries.map(([code, n]) => `${code} x${n}`).join(', ')})`;
}

function spread(value: Spread): string {
  return `median ${seconds(value.median)}, p95 ${seconds(value.p95)}, max ${seconds(value.max)}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
