import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { register } from '../../src/cli/commands/platform.js';
import { ManualClock } from '../../src/platform/clock.js';
import { InvocationQueue } from '../../src/platform/invocations.js';
import { InvocationRecords } from '../../src/platform/records.js';

let stateDir: string;
let dead: string;
let waiting: string;

beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'lectern-ops-'));
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const queue = InvocationQueue.open(join(stateDir, 'queue.db'), { clock });
  dead = queue.enqueue('ocr', { key: 'c16.pdf' }, { retryAttempts: 0 }).requestId;
  waiting = queue.enqueue('detect', { tile: 3 }).requestId;
  for (const claim of queue.claim(2))
    queue.fail(claim, new Error(`broke on ${claim.functionName}`));
  queue.close();
  const records = InvocationRecords.open(join(stateDir, 'records.db'));
  records.add(
    {
      requestId: dead,
      runId: 'run-1',
      functionName: 'ocr',
      invocationType: 'Event',
      rootRequestId: dead,
      startTime: Date.UTC(2026, 0, 1),
      initDurationMs: 120.5,
      durationMs: 42.25,
      billedDurationMs: 43,
      memorySizeMb: 1024,
      maxMemoryUsedMb: 80,
      startType: 'cold',
      payloadInBytes: 20,
      payloadOutBytes: 0,
      outcome: 'error',
      errorCode: 'HANDLER_ERROR',
      errorMessage: 'broke on ocr',
    },
    [JSON.stringify({ level: 'error', requestId: dead, msg: 'no pages' })],
  );
  records.close();
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(stateDir, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<string> {
  const printed: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => printed.push(line));
  const program = new Command().exitOverride();
  register(program);
  await program.parseAsync(['node', 'lectern', 'platform', ...args, '--state', stateDir]);
  vi.restoreAllMocks();
  return printed.join('\n');
}

describe('lectern platform', () => {
  it('lists failed invocations, the one waiting for its retry and the dead one', async () => {
    const failed = JSON.parse(await run('failed', '--json'));
    expect(failed.map((f: { requestId: string; state: string }) => [f.requestId, f.state])).toEqual(
      [
        [dead, 'dead'],
        [waiting, 'queued'],
      ],
    );
    const text = await run('failed');
    expect(text).toContain('queued, next run 2026-01-01T00:00:01.000Z');
    expect(text).toContain('INTERNAL: broke on detect');
  });

  it('lists dead letters with their error', async () => {
    const text = await run('dead-letters');
    expect(text.split('\n')).toHaveLength(2);
    expect(text).toContain(dead);
    expect(text).toContain('INTERNAL: broke on ocr');
  });

  it('re-drives a dead letter, which then leaves the list', async () => {
    expect(await run('redrive', dead)).toBe(`re-driven ${dead} (ocr)`);
    expect(await run('dead-letters')).toBe('no dead letters');
    expect(await run('dead-letters', '--all')).toMatch(/re-driven \d{4}-\d\d-\d\dT/);

    const queue = InvocationQueue.open(join(stateDir, 'queue.db'));
    expect(queue.inspect.get(dead)).toMatchObject({ state: 'queued', attempts: 0 });
    queue.close();
  });

  it('re-drives every dead letter with --all-dead', async () => {
    expect(await run('redrive', '--all-dead')).toBe(`re-driven ${dead} (ocr)`);
  });

  it('shows the attempts, the REPORT line and the log lines of a request id', async () => {
    const text = await run('logs', dead);
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      `ASYNC ${dead} ocr: dead, 1 of 1 attempts, queued 2026-01-01T00:00:00.000Z`,
    );
    expect(lines[1]).toMatch(/^ATTEMPT 1 2026-01-01T00:00:00.000Z error INTERNAL: broke on ocr$/);
    expect(lines[2]).toContain(`REPORT RequestId: ${dead}`);
    expect(lines[2]).toContain('Billed Duration: 43 ms');
    expect(lines[2]).toContain('Init Duration: 120.50 ms');
    expect(JSON.parse(lines[3] ?? '')).toMatchObject({ requestId: dead, msg: 'no pages' });
  });

  it('bills a request under each table: init billed today, 100 ms granules in 2020', async () => {
    const today = JSON.parse(await run('bill', '--request', dead, '--table', 'aws-2026', '--json'));
    const paper = JSON.parse(await run('bill', '--request', dead, '--table', 'aws-2020', '--json'));

    // 120.5 ms init + 42.25 ms duration at 1,024 MB: 163 ms today; one 100 ms granule in 2020.
    expect(today.bills[0].totalUsd).toBeCloseTo(0.0000002 + 0.163 * 0.0000166667, 15);
    expect(paper.bills[0].totalUsd).toBeCloseTo(0.0000002 + 0.0000016667, 15);
    const text = await run('bill', '--run', 'run-1');
    expect(text).toContain('run run-1: 1 invocation records');
    expect(text).toMatch(/^aws-2020 \(x86_64\): .*, 2020$/m);
    expect(text).toMatch(/^aws-2026 \(x86_64\): .*, 2026-12$/m);
  });

  it('fails with REQUEST_NOT_FOUND for a request id nobody knows', async () => {
    await expect(run('logs', 'no-such-request')).rejects.toMatchObject({
      code: 'REQUEST_NOT_FOUND',
      subject: 'no-such-request',
    });
  });

  it('refuses an unknown price table, naming the known ones', async () => {
    await expect(run('bill', '--table', 'aws-1999')).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringContaining('aws-2020, aws-2026, both'),
    });
  });

  it('refuses a directory with no platform state, with STATE_NOT_FOUND', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'lectern-empty-'));
    const program = new Command().exitOverride();
    register(program);
    await expect(
      program.parseAsync(['node', 'lectern', 'platform', 'failed', '--state', empty]),
    ).rejects.toMatchObject({ code: 'STATE_NOT_FOUND' });
    rmSync(empty, { recursive: true });
  });
});
