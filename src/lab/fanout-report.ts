/**
 * @module The pure parts of `lectern lab fanout`: the order of its rounds, each variant's
 * figures from its samples, and the table it prints.
 */

import type { HostInfo } from './host.js';
import { type Distribution, distribution } from './platform-bench-stats.js';

/** The ways the page is read. */
export type FanoutVariant = 'fan-out' | 'single-detect' | 'on-premise';

/** Every variant, in the order of the table. */
export const FANOUT_VARIANTS: readonly FanoutVariant[] = ['fan-out', 'single-detect', 'on-premise'];

/** One round of one variant. */
export interface PlannedRound {
  variant: FanoutVariant;
  /** 1-based among the measured rounds; 0 for a warm-up round. */
  round: number;
  warmUp: boolean;
}

/**
 * A warm-up round of each variant (cold starts, models loading, caches filling), then
 * `rounds` rounds of each, interleaved (1, 2, 3, 1, 2, 3...), so that the machine's drift
 * over the run falls on every variant alike instead of on whichever ran last.
 */
export function roundPlan(variants: readonly FanoutVariant[], rounds: number): PlannedRound[] {
  const plan = variants.map((variant) => ({ variant, round: 0, warmUp: true }));
  for (let round = 1; round <= rounds; round += 1) {
    for (const variant of variants) plan.push({ variant, round, warmUp: false });
  }
  return plan;
}

/** What one measured round of a variant gave. */
export interface RoundSample {
  /** Upload (or start, on premise) to result. */
  latencyMs: number;
  /** On the platform only: the platform's overhead on the document (platform/overhead.ts). */
  overheadMs?: number;
  /** On the platform only: detection invocations that ran (tiles times detection passes). */
  detectInvocations?: number;
  /** On the platform only: detection calls turned away at the concurrency limit and retried. */
  throttles?: number;
  /**
   * On the platform only: from the first detection call to the last detection answer, and the
   * time within it that some detection handler was running. The difference is detection's idle
   * time: calls on their way, and throttled calls waiting to be retried.
   */
  detectWallMs?: number;
  detectBusyMs?: number;
  /** On the platform only: cold starts among the document's invocations. */
  coldStarts?: number;
}

/** A variant's figures over its measured rounds. */
export interface VariantFigures {
  variant: FanoutVariant;
  /** What it ran on, in words. */
  setup: string;
  latencyMs: Distribution;
  /** Each round's latency, in round order. */
  samplesMs: number[];
  /** Medians per round, platform variants only. */
  overheadMs?: number;
  detectInvocations?: number;
  throttles?: number;
  detectWallMs?: number;
  detectBusyMs?: number;
  /** Summed over the measured rounds: anything but 0 means a round was not warm. */
  coldStarts?: number;
}

/** The figures of `samples` (one per measured round, in order). */
export function summariseVariant(
  variant: FanoutVariant,
  setup: string,
  samples: readonly RoundSample[],
): VariantFigures {
  const figures: VariantFigures = {
    variant,
    setup,
    latencyMs: distribution(samples.map((s) => s.latencyMs)),
    samplesMs: samples.map((s) => s.latencyMs),
  };
  if (!samples.some((s) => s.detectInvocations !== undefined)) return figures;
  return {
    ...figures,
    overheadMs: medianOf(samples, 'overheadMs'),
    detectInvocations: medianOf(samples, 'detectInvocations'),
    throttles: medianOf(samples, 'throttles'),
    detectWallMs: medianOf(samples, 'detectWallMs'),
    detectBusyMs: medianOf(samples, 'detectBusyMs'),
    coldStarts: samples.reduce((sum, s) => sum + (s.coldStarts ?? 0), 0),
  };
}

/** The experiment's result, as `--json` prints it. */
export interface FanoutResult {
  date: string;
  host: HostInfo;
  page: {
    file: string;
    width: number;
    height: number;
    grid: { rows: number; cols: number };
    /** Tiles the detection plan cuts the page into (one detection pass). */
    tiles: number;
  };
  rounds: number;
  variants: VariantFigures[];
}

const LABELS: Record<FanoutVariant, string> = {
  'fan-out': 'fan-out',
  'single-detect': 'single detect',
  'on-premise': 'on-premise',
};

/** The result as a table for a terminal, times in seconds. */
export function formatFanout(result: FanoutResult): string {
  const { page, host } = result;
  const header = [
    'variant',
    'median',
    'min',
    'max',
    'overhead',
    'detect calls',
    'throttled',
    'detect busy',
    'detect wall',
    'cold',
  ];
  const rows = result.variants.map((v) => [
    LABELS[v.variant],
    seconds(v.latencyMs.median),
    seconds(v.latencyMs.min),
    seconds(v.latencyMs.max),
    v.overheadMs === undefined ? '-' : seconds(v.overheadMs),
    count(v.detectInvocations),
    count(v.throttles),
    v.detectBusyMs === undefined ? '-' : seconds(v.detectBusyMs),
    v.detectWallMs === undefined ? '-' : seconds(v.detectWallMs),
    count(v.coldStarts),
  ]);
  return [
    `page    ${page.file}: ${page.width} x ${page.height} px, ${page.tiles} tiles (${page.grid.rows}x${page.grid.cols} grid)`,
    `rounds  ${result.rounds} per variant after a warm-up round, interleaved; upload to result`,
    `host    ${host.cpus} cores, ${host.memoryMb} MB, node ${host.node}`,
    '',
    ...table([header, ...rows]),
    '',
    ...result.variants.map((v) => `${LABELS[v.variant].padEnd(15)}${v.setup}`),
  ].join('\n');
}

function medianOf(samples: readonly RoundSample[], field: keyof RoundSample): number {
  return distribution(samples.map((s) => s[field] ?? Number.NaN)).median;
}

/** Left-aligned first column, the others right-aligned, two spaces apart. */
function table(rows: string[][]): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function count(value: number | undefined): string {
  return value === undefined ? '-' : String(value);
}
