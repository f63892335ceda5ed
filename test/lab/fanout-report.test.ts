import { describe, expect, it } from 'vitest';
import {
  FANOUT_VARIANTS,
  type FanoutResult,
  formatFanout,
  roundPlan,
  summariseVariant,
} from '../../src/lab/fanout-report.js';

describe('roundPlan', () => {
  it('warms every variant up once, then interleaves the measured rounds', () => {
    const plan = roundPlan(FANOUT_VARIANTS, 2).map((r) => `${r.variant}:${r.round}`);

    expect(plan).toEqual([
      'fan-out:0',
      'single-detect:0',
      'on-premise:0',
      'fan-out:1',
      'single-detect:1',
      'on-premise:1',
      'fan-out:2',
      'single-detect:2',
      'on-premise:2',
    ]);
    expect(roundPlan(FANOUT_VARIANTS, 2).filter((r) => r.warmUp)).toHaveLength(3);
  });
});

describe('summariseVariant', () => {
  it('gives the median, extremes and per-round medians of a platform variant', () => {
    const samples = [
      { latencyMs: 3000, overheadMs: 90, detectInvocations: 9, throttles: 0, detectBusyMs: 900 },
      { latencyMs: 1000, overheadMs: 70, detectInvocations: 9, throttles: 4, coldStarts: 1 },
      { latencyMs: 2000, overheadMs: 80, detectInvocations: 18, throttles: 2, detectBusyMs: 700 },
    ];

    const figures = summariseVariant('single-detect', 'one instance', samples);

    expect(figures.latencyMs).toMatchObject({ samples: 3, median: 2000, min: 1000, max: 3000 });
    expect(figures.samplesMs).toEqual([3000, 1000, 2000]);
    expect(figures).toMatchObject({
      overheadMs: 80,
      detectInvocations: 9,
      throttles: 2,
      coldStarts: 1,
    });
    // Rounds without a figure are left out of its median rather than counted as zero.
    expect(figures.detectBusyMs).toBe(700);
  });

  it('leaves the platform figures out for the on-premise variant', () => {
    const figures = summariseVariant('on-premise', 'pool', [{ latencyMs: 5 }]);

    expect(figures).not.toHaveProperty('detectInvocations');
    expect(figures).not.toHaveProperty('overheadMs');
  });
});

describe('formatFanout', () => {
  it('prints one row per variant with seconds, dashes where a figure does not apply', () => {
    const result: FanoutResult = {
      date: '2026-12-03T00:00:00.000Z',
      host: { cpus: 2, memoryMb: 24105, node: 'v20.20.0' },
      page: { file: 'page.png', width: 100, height: 200, grid: { rows: 3, cols: 3 }, tiles: 9 },
      rounds: 1,
      variants: [
        summariseVariant('fan-out', 'nine', [
          {
            latencyMs: 1234,
            overheadMs: 56,
            detectInvocations: 9,
            throttles: 0,
            detectBusyMs: 800,
            detectWallMs: 1000,
            coldStarts: 0,
          },
        ]),
        summariseVariant('on-premise', 'pool', [{ latencyMs: 2500 }]),
      ],
    };

    const lines = formatFanout(result).split('\n');

    expect(lines[0]).toBe('page    page.png: 100 x 200 px, 9 tiles (3x3 grid)');
    const header = lines.findIndex((line) => line.startsWith('variant'));
    expect(lines[header + 1]?.split(/ {2,}/)).toEqual([
      'fan-out',
      '1.23 s',
      '1.23 s',
      '1.23 s',
      '0.06 s',
      '9',
      '0',
      '0.80 s',
      '1.00 s',
      '0',
    ]);
    expect(lines[header + 2]?.split(/ {2,}/)).toEqual([
      'on-premise',
      '2.50 s',
      '2.50 s',
      '2.50 s',
      '-',
      '-',
      '-',
      '-',
      '-',
      '-',
    ]);
    expect(lines.at(-1)).toBe('on-premise     pool');
  });
});
