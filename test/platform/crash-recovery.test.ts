import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { InvocationQueue } from '../../src/platform/invocations.js';
import { requireBuild } from './built.js';

// A platform process runs a batch; it is killed with SIGKILL at random points, restarted, and
// finally left to finish. Every submitted invocation must end in exactly one final state.

const child = fileURLToPath(new URL('./fixtures/queue-crash-platform.mjs', import.meta.url));
const handler = fileURLToPath(new URL('./fixtures/queue-run-log.mjs', import.meta.url));
const ITEMS = 80;
const KILLS = 4;
const seed = Number(process.env.LECTERN_CRASH_SEED ?? Date.now() % 100_000);
const stateDir = mkdtempSync(join(tmpdir(), 'lectern-crash-'));

afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

interface Item {
  id: number;
  fail: boolean;
  sleepMs: number;
}

describe(`crash recovery (seed ${seed})`, () => {
  requireBuild('dist/platform/platform.js', 'dist/platform/runtime/instance-host.js');

  it('brings every acknowledged invocation to exactly one final state after kill -9 and restart', async () => {
    const random = mulberry32(seed);
    const items: Item[] = Array.from({ length: ITEMS }, (_, id) => ({
      id,
      fail: id % 10 === 7,
      sleepMs: 20 + Math.floor(random() * 120),
    }));
    const acked = new Map<number, string>();
    const killedAt: string[] = [];

    for (let run = 0; run <= KILLS; run += 1) {
      const pending = items.filter((item) => !acked.has(item.id));
      const killAfterMs = run < KILLS ? 50 + Math.floor(random() * 650) : undefined;
      const ended = await runPlatform(pending, acked, killAfterMs);
      killedAt.push(ended);
    }
    console.log(`crash recovery, seed ${seed}: ${killedAt.join(', ')}`);

    const queue = InvocationQueue.open(join(stateDir, 'queue.db'));
    try {
      const all = queue.inspect.list();
      expect(acked.size).toBe(ITEMS);
      expect(all).toHaveLength(ITEMS);
      expect(queue.inspect.pendingCount()).toBe(0);
      for (const item of items) {
        const invocation = queue.inspect.get(acked.get(item.id) as string);
        expect(invocation?.idempotencyKey).toBe(`item-${item.id}`);
        expect(invocation?.state).toBe(item.fail ? 'dead' : 'succeeded');
      }
      const letters = queue.inspect.deadLetters();
      const failing = items.filter((item) => item.fail).map((item) => acked.get(item.id));
      expect(letters.map((letter) => letter.requestId).sort()).toEqual(failing.sort());
      expect(letters.every((letter) => letter.errorCode === 'HANDLER_ERROR')).toBe(true);

      const runs = readFileSync(join(stateDir, 'volume', 'runs.log'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(' ').map(Number) as [number, number]);
      const ran = new Set(runs.map(([id]) => id));
      expect(items.every((item) => ran.has(item.id))).toBe(true);
      // Instances of a killed platform lose their IPC channel and must exit on their own.
      const instancesLeft = await survivors([...new Set(runs.map(([, pid]) => pid))], 5_000);
      expect(instancesLeft).toEqual([]);
      const interrupted = all.reduce((sum, invocation) => sum + invocation.interruptions, 0);
      console.log(
        `${runs.length} handler runs for ${ITEMS} invocations; ${interrupted} interruptions`,
      );
    } finally {
      queue.close();
    }
  }, 90_000);
});

/** Runs the platform process until it prints "idle" or is killed; returns what happened. */
function runPlatform(
  items: Item[],
  acked: Map<number, string>,
  killAfterMs: number | undefined,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc: ChildProcess = spawn(
      process.execPath,
      [child, stateDir, handler, JSON.stringify(items)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let buffered = '';
    let timer: NodeJS.Timeout | undefined;
    proc.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    proc.stdout?.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [word, id, requestId] = line.split(' ');
        if (word === 'ack') acked.set(Number(id), requestId as string);
        if (word === 'ready' && killAfterMs !== undefined) {
          timer = setTimeout(() => proc.kill('SIGKILL'), killAfterMs);
        }
      }
    });
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL')
        resolve(`killed ${killAfterMs} ms after start (${acked.size} acked)`);
      else if (code === 0) resolve('finished');
      else reject(new Error(`platform process exited with ${code}: ${stderr}`));
    });
  });
}

/** The processes among `pids` still alive after waiting up to `waitMs` for them to exit. */
async function survivors(pids: number[], waitMs: number): Promise<number[]> {
  const deadline = Date.now() + waitMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    alive = alive.filter(isAlive);
  }
  return alive;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// A small seeded generator, so that a failing run can be replayed with LECTERN_CRASH_SEED.
function mulberry32(start: number): () => number {
  let a = start >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
