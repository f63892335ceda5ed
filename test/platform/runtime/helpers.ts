import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.js';
import { InvocationRecords } from '../../../src/platform/records.js';
import type { RuntimeEvents } from '../../../src/platform/runtime/events.js';
import {
  LocalRuntime,
  type LocalRuntimeOptions,
} from '../../../src/platform/runtime/local-runtime.js';
import { requireBuild } from '../built.js';

// Instances run the compiled host: every suite using these helpers needs the build.
requireBuild('dist/platform/runtime/instance-host.js');

/** Absolute path of a handler module under test/platform/fixtures. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}.mjs`, import.meta.url));
}

/** A runtime with in-memory records and a manual clock, closed after each test. */
export interface TestRuntime {
  runtime: LocalRuntime;
  records: InvocationRecords;
  clock: ManualClock;
}

const open: TestRuntime[] = [];

afterEach(async () => {
  for (const { runtime, records } of open.splice(0)) {
    await runtime.close();
    records.close();
  }
});

export function createTestRuntime(options: Partial<LocalRuntimeOptions> = {}): TestRuntime {
  const records = InvocationRecords.open(':memory:');
  const clock = new ManualClock();
  const runtime = new LocalRuntime({ records, clock, ...options });
  const created = { runtime, records, clock };
  open.push(created);
  return created;
}

/** The next `event` the runtime emits that satisfies `accept`. */
export function nextEvent<K extends keyof RuntimeEvents>(
  runtime: LocalRuntime,
  event: K,
  accept: (payload: RuntimeEvents[K]) => boolean = () => true,
): Promise<RuntimeEvents[K]> {
  return new Promise((resolve) => {
    const listener = (payload: RuntimeEvents[K]) => {
      if (!accept(payload)) return;
      runtime.off(event, listener);
      resolve(payload);
    };
    runtime.on(event, listener);
  });
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { code?: string; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the promise to reject');
}
