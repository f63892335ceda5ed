import { describe, expect, it } from 'vitest';
import { WorkerPool } from '../../../src/document/recognition/worker-pool.js';

describe('WorkerPool', () => {
  it('gives each worker one task at a time and runs them all', async () => {
    const pool = new WorkerPool(['a', 'b']);
    const busy = new Set<string>();
    let most = 0;
    const task = async (worker: string) => {
      expect(busy.has(worker)).toBe(false);
      busy.add(worker);
      most = Math.max(most, busy.size);
      await new Promise((resolve) => setImmediate(resolve));
      busy.delete(worker);
      return worker;
    };

    const results = await Promise.all(Array.from({ length: 7 }, () => pool.run(task)));

    expect(results).toHaveLength(7);
    expect(most).toBe(2);
  });

  it('returns a worker to the pool when its task fails', async () => {
    const pool = new WorkerPool(['only']);

    await expect(pool.run(async () => Promise.reject(new Error('bad image')))).rejects.toThrow();
    await expect(pool.run(async (worker) => worker)).resolves.toBe('only');
  });

  it('stops every worker once and refuses work after closing', async () => {
    const pool = new WorkerPool(['a', 'b']);
    const stopped: string[] = [];
    await pool.close(async (worker) => {
      stopped.push(worker);
    });
    await pool.close(async (worker) => {
      stopped.push(worker);
    });

    expect(stopped).toEqual(['a', 'b']);
    await expect(pool.run(async (worker) => worker)).rejects.toThrow(/closed/);
  });
});
