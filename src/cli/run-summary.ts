/**
 * @module How `lectern run` prints a batch's summary: a short table for people, or one JSON
 * object (`--json`) for scripts and the figures of the notes.
 */
import type { BatchSummary, Spread } from '../workflows/deep-reader/batch-summary.js';

/** Prints `summary` on standard output. */
export function printSummary(summary: BatchSummary, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(summary));
    return;
  }
  const lines = [
    `mode          ${summary.mode}`,
    `documents     ${summary.documents} (${summary.pages} pages)`,
    `succeeded     ${summary.succeeded}`,
    `failed        ${summary.failed}${failureReasons(summary.failures)}`,
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
