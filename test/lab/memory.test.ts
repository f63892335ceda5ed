import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { descendants, PeakMemory, processMemory } from '../../src/lab/memory.js';

const MB = 2 ** 20;
const linux = existsSync('/proc/self/status');

/** A child process that holds `mb` megabytes for a while, then exits. */
function hog(mb: number) {
  const code = `const b = Buffer.alloc(${mb} * 2 ** 20, 1); setTimeout(() => b.length, 1500);`;
  return spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
}

function exited(child: ReturnType<typeof spawn>): Promise<void> {
  return new Promise((resolve) => child.on('exit', () => resolve()));
}

describe.skipIf(!linux)('PeakMemory', () => {
  it('reads this process’s resident and peak memory', () => {
    const own = processMemory(process.pid);

    expect(own?.rss).toBeGreaterThan(10 * MB);
    expect(own?.peak).toBeGreaterThanOrEqual(own?.rss ?? 0);
  });

  it('counts child processes in the tree’s peak', async () => {
    const before = processMemory(process.pid)?.peak ?? 0;
    const memory = new PeakMemory({ intervalMs: 20 });
    const child = hog(300);

    await exited(child);
    const peak = memory.stop();

    expect(peak).toBeGreaterThan(before + 250 * MB);
  });

  it('leaves out processes it is told to exclude', async () => {
    const before = processMemory(process.pid)?.peak ?? 0;
    const excluded = new Set<number>();
    const memory = new PeakMemory({ intervalMs: 20, exclude: (pid) => excluded.has(pid) });
    const child = hog(300);
    excluded.add(child.pid as number);

    expect(descendants(process.pid)).toContain(child.pid);
    await exited(child);

    expect(memory.stop()).toBeLessThan(before + 100 * MB);
  });
});
