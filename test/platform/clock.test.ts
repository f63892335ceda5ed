import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';

describe('ManualClock', () => {
  it('fires timers in order of due time as time advances, each at its own time', () => {
    const clock = new ManualClock(1000);
    const fired: Array<[string, number]> = [];
    clock.setTimeout(() => fired.push(['late', clock.now()]), 300);
    clock.setTimeout(() => fired.push(['early', clock.now()]), 100);

    clock.advance(99);
    expect(fired).toEqual([]);
    clock.advance(500);

    expect(fired).toEqual([
      ['early', 1100],
      ['late', 1300],
    ]);
    expect(clock.now()).toBe(1599);
  });

  it('does not fire a cancelled timer', () => {
    const clock = new ManualClock();
    let fired = false;
    clock
      .setTimeout(() => {
        fired = true;
      }, 10)
      .cancel();

    clock.advance(20);

    expect(fired).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it('fires a timer scheduled by another timer within the same advance', () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    clock.setTimeout(() => clock.setTimeout(() => fired.push(clock.now()), 50), 50);

    clock.advance(100);

    expect(fired).toEqual([100]);
  });
});
