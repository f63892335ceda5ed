import { describe, expect, it } from 'vitest';
import { StageTimings } from '../../src/document/stage-timings.js';

function fakeClock(start = 1000) {
  let now = start;
  return { clock: () => now, advance: (ms: number) => (now += ms) };
}

describe('StageTimings', () => {
  it('sums the time of each stage over its runs and states the total since creation', async () => {
    const { clock, advance } = fakeClock();
    const timings = new StageTimings(clock);

    await timings.time('detection', () => advance(120.04));
    await timings.time('recognition', () => advance(80));
    await timings.time('detection', async () => advance(30));
    advance(5);

    expect(timings.snapshot()).toEqual({ detection: 150, recognition: 80, total: 235 });
  });

  it('counts a stage that throws, and passes the error on', async () => {
    const { clock, advance } = fakeClock();
    const timings = new StageTimings(clock);

    await expect(
      timings.time('decode', () => {
        advance(7);
        throw new Error('corrupt');
      }),
    ).rejects.toThrow('corrupt');
    expect(timings.snapshot().decode).toBe(7);
  });
});
