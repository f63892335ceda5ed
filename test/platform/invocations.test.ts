import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { Dispatcher, type Executor } from '../../src/platform/dispatcher.js';
import { PlatformError } from '../../src/platform/errors.js';
import { type ClaimedInvocation, InvocationQueue } from '../../src/platform/invocations.js';

let dir: string;
let clock: ManualClock;
const open: InvocationQueue[] = [];
const dispatchers: Dispatcher[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lectern-queue-'));
  clock = new ManualClock();
});

afterEach(async () => {
  for (const d of dispatchers.splice(0)) await d.stop();
  for (const q of open.splice(0)) q.close();
  rmSync(dir, { recursive: true, force: true });
});

function openQueue(): InvocationQueue {
  const queue = InvocationQueue.open(join(dir, 'queue.db'), { clock });
  open.push(queue);
  return queue;
}

function dispatch(queue: InvocationQueue, executor: Executor): Dispatcher {
  const dispatcher = new Dispatcher(queue, executor, { clock, pollIntervalMs: 0 });
  dispatchers.push(dispatcher);
  dispatcher.start();
  return dispatcher;
}

/** Lets the executor promises and their queue updates run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

/** An executor that fails the first `failures` attempts of each invocation. */
function flaky(failures: number, calls: ClaimedInvocation[] = []): Executor {
  return async (invocation) => {
    calls.push(invocation);
    if (invocation.attempt <= failures) {
      throw new PlatformError('HANDLER_ERROR', `attempt ${invocation.attempt} failed`, {
        functionName: invocation.functionName,
      });
    }
    return { ok: invocation.payload };
  };
}

describe('InvocationQueue', () => {
  it('keeps an acknowledged invocation when the queue is closed and reopened', () => {
    const first = openQueue();
    const { requestId } = first.enqueue('ocr', { key: 'a.jpg' }, { origin: { trigger: 's3' } });
    first.close();

    const again = openQueue();
    expect(again.inspect.get(requestId)).toMatchObject({
      functionName: 'ocr',
      state: 'queued',
      attempts: 0,
      origin: { trigger: 's3' },
    });
    expect(again.claim(10).map((c) => [c.payload, c.maxAttempts])).toEqual([[{ key: 'a.jpg' }, 3]]);
  });

  it('makes one invocation of two enqueues with the same idempotency key', async () => {
    const queue = openQueue();
    const a = queue.enqueue('ocr', { n: 1 }, { idempotencyKey: 'bucket/a.jpg@etag1' });
    const b = queue.enqueue('ocr', { n: 2 }, { idempotencyKey: 'bucket/a.jpg@etag1' });
    const c = queue.enqueue('ocr', { n: 3 }, { idempotencyKey: 'bucket/a.jpg@etag2' });
    const calls: ClaimedInvocation[] = [];
    const dispatcher = dispatch(queue, flaky(0, calls));
    await dispatcher.waitForIdle();

    expect(a).toEqual({ requestId: a.requestId, duplicate: false });
    expect(b).toEqual({ requestId: a.requestId, duplicate: true });
    expect(c.duplicate).toBe(false);
    expect(calls.map((call) => call.payload)).toEqual([{ n: 1 }, { n: 3 }]);
  });

  it('refuses a payload over the 256 KB asynchronous limit and stores nothing', () => {
    const queue = openQueue();
    expect(() => queue.enqueue('ocr', { data: 'x'.repeat(256 * 1024) })).toThrow(
      expect.objectContaining({ code: 'PAYLOAD_TOO_LARGE' }),
    );
    expect(queue.inspect.list()).toEqual([]);
  });
});

describe('Dispatcher with the queue', () => {
  it('runs an invocation once and records it succeeded with one attempt', async () => {
    const queue = openQueue();
    const calls: ClaimedInvocation[] = [];
    const { requestId } = queue.enqueue('noop', { x: 1 });
    const dispatcher = dispatch(queue, flaky(0, calls));
    await dispatcher.waitForIdle();

    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ requestId, attempt: 1, maxAttempts: 3, payload: { x: 1 } });
    expect(queue.inspect.get(requestId)).toMatchObject({ state: 'succeeded', attempts: 1 });
    expect(queue.inspect.attempts(requestId).map((a) => a.outcome)).toEqual(['success']);
  });

  it('retries a failed attempt after 1 s, then after 2 s, measured on the clock', async () => {
    const queue = openQueue();
    const calls: ClaimedInvocation[] = [];
    const { requestId } = queue.enqueue('flaky', {});
    dispatch(queue, flaky(2, calls));
    await settle();
    expect(calls).toHaveLength(1);

    clock.advance(999);
    await settle();
    expect(calls).toHaveLength(1);
    clock.advance(1);
    await settle();
    expect(calls).toHaveLength(2);

    clock.advance(1999);
    await settle();
    expect(calls).toHaveLength(2);
    clock.advance(1);
    await settle();

    expect(calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
    expect(queue.inspect.get(requestId)).toMatchObject({ state: 'succeeded', attempts: 3 });
    expect(queue.inspect.failed()).toEqual([]);
  });

  it('moves an invocation to the dead letters with its last error after its last attempt', async () => {
    const queue = openQueue();
    const { requestId } = queue.enqueue('broken', { doc: 'c16' }, { retryAttempts: 1 });
    dispatch(queue, flaky(99));
    await settle();
    clock.advance(1000);
    await settle();

    expect(queue.inspect.get(requestId)).toMatchObject({ state: 'dead', attempts: 2 });
    expect(queue.inspect.deadLetters()).toEqual([
      expect.objectContaining({
        requestId,
        functionName: 'broken',
        payload: { doc: 'c16' },
        attempts: 2,
        errorCode: 'HANDLER_ERROR',
        errorMessage: 'broken: attempt 2 failed',
      }),
    ]);
  });

  it("follows the function's retry setting when enqueued without one", async () => {
    const queue = InvocationQueue.open(join(dir, 'queue.db'), {
      clock,
      retryAttemptsOf: (name) => (name === 'strict' ? 0 : undefined),
    });
    open.push(queue);
    const strict = queue.enqueue('strict', {});
    const lenient = queue.enqueue('lenient', {});
    dispatch(queue, flaky(99));
    for (let t = 0; t < 4; t += 1) {
      await settle();
      clock.advance(2_000);
    }

    expect(queue.inspect.get(strict.requestId)).toMatchObject({ state: 'dead', attempts: 1 });
    expect(queue.inspect.get(lenient.requestId)).toMatchObject({ state: 'dead', attempts: 3 });
  });

  it('makes a single attempt when retryAttempts is 0', async () => {
    const queue = openQueue();
    const calls: ClaimedInvocation[] = [];
    queue.enqueue('once', {}, { retryAttempts: 0 });
    const dispatcher = dispatch(queue, flaky(99, calls));
    await dispatcher.waitForIdle();

    expect(calls).toHaveLength(1);
    expect(queue.inspect.deadLetters()).toHaveLength(1);
  });

  it('waits and retries a throttled attempt without consuming an attempt', async () => {
    const queue = openQueue();
    let throttles = 3;
    const calls: ClaimedInvocation[] = [];
    const { requestId } = queue.enqueue('busy', {}, { retryAttempts: 0 });
    dispatch(queue, async (invocation) => {
      calls.push(invocation);
      if (throttles-- > 0) throw new PlatformError('THROTTLED', 'no capacity');
      return 'done';
    });
    for (const wait of [100, 200, 400]) {
      await settle();
      clock.advance(wait);
    }
    await settle();

    expect(calls.map((c) => c.attempt)).toEqual([1, 1, 1, 1]);
    expect(queue.inspect.get(requestId)).toMatchObject({
      state: 'succeeded',
      attempts: 1,
      throttles: 3,
    });
  });

  it('spreads invocations throttled at one instant over their backoff instead of retrying them together', () => {
    const draws = [0, 0.5, 0.99];
    const queue = InvocationQueue.open(join(dir, 'queue.db'), {
      clock,
      random: () => draws.shift() ?? 0,
    });
    open.push(queue);
    for (const key of ['a', 'b', 'c']) queue.enqueue('busy', { key });
    for (const claim of queue.claim(3)) expect(queue.throttle(claim)).toBe(true);

    // The first throttle's ceiling is 100 ms; the delays are drawn from [50, 100].
    const due: number[] = [];
    for (let waited = 0; waited <= 100; waited += 5) {
      due.push(...queue.claim(3).map(() => waited));
      clock.advance(5);
    }
    expect(due).toEqual([50, 75, 100]);
  });

  it('dead-letters an invocation throttled beyond the maximum event age', async () => {
    const queue = InvocationQueue.open(join(dir, 'queue.db'), { clock, maxEventAgeMs: 10_000 });
    open.push(queue);
    const { requestId } = queue.enqueue('busy', {});
    dispatch(queue, async () => {
      throw new PlatformError('THROTTLED', 'no capacity');
    });
    // Throttle delays are jittered and at most 5 s: by 20 s some retry comes after the 10 s age.
    for (let t = 0; t < 20; t += 1) {
      await settle();
      clock.advance(1_000);
    }
    await settle();

    expect(queue.inspect.get(requestId)).toMatchObject({ state: 'dead', attempts: 0 });
    expect(queue.inspect.deadLetters()[0]?.errorCode).toBe('EVENT_EXPIRED');
  });

  it('re-runs an invocation that was in flight when its platform went away', async () => {
    const dead = openQueue();
    const { requestId } = dead.enqueue('ocr', { key: 'a.jpg' });
    expect(dead.claim(1)).toHaveLength(1);
    dead.close(); // its owner is gone, like a platform killed mid-run

    const queue = openQueue();
    const calls: ClaimedInvocation[] = [];
    const dispatcher = dispatch(queue, flaky(0, calls));
    await dispatcher.waitForIdle();

    expect(calls.map((c) => c.attempt)).toEqual([1]);
    expect(queue.inspect.get(requestId)).toMatchObject({
      state: 'succeeded',
      attempts: 1,
      interruptions: 1,
    });
    const outcomes = queue.inspect.attempts(requestId).map((a) => a.outcome);
    expect(outcomes).toEqual(['interrupted', 'success']);
  });

  it('takes back an expired lease held by a live owner on the next claim', () => {
    const slow = InvocationQueue.open(join(dir, 'queue.db'), { clock, leaseMs: 5_000 });
    open.push(slow);
    const other = openQueue();
    slow.enqueue('ocr', {});
    expect(slow.claim(1)).toHaveLength(1);

    expect(other.claim(1)).toHaveLength(0);
    clock.advance(5_000);
    const [reclaimed] = other.claim(1);

    expect(reclaimed?.attempt).toBe(1);
    expect(slow.inspect.get(reclaimed?.requestId ?? '')?.interruptions).toBe(1);
  });

  it('ignores the outcome reported under a claim that was taken back', () => {
    const queue = InvocationQueue.open(join(dir, 'queue.db'), { clock, leaseMs: 5_000 });
    open.push(queue);
    queue.enqueue('ocr', {});
    const [old] = queue.claim(1);
    clock.advance(5_000);
    const [fresh] = queue.claim(1);

    expect(queue.fail(old as ClaimedInvocation, new Error('late'))).toBe('stale');
    expect(queue.complete(fresh as ClaimedInvocation, 'ok')).toBe(true);
  });

  it('dead-letters an invocation interrupted more often than allowed', () => {
    const queue = InvocationQueue.open(join(dir, 'queue.db'), {
      clock,
      leaseMs: 1_000,
      maxInterruptions: 2,
    });
    open.push(queue);
    const { requestId } = queue.enqueue('crashy', {});
    for (let i = 0; i < 3; i += 1) {
      queue.claim(1);
      clock.advance(1_000);
    }
    queue.claim(1);

    expect(queue.inspect.get(requestId)?.state).toBe('dead');
    expect(queue.inspect.deadLetters()[0]).toMatchObject({ errorCode: 'INVOCATION_INTERRUPTED' });
  });

  it('re-drives a dead letter with a fresh set of attempts', async () => {
    const queue = openQueue();
    let broken = true;
    const { requestId } = queue.enqueue('fixme', { n: 1 }, { retryAttempts: 0 });
    const dispatcher = dispatch(queue, async () => {
      if (broken) throw new Error('bug');
      return 'fixed';
    });
    await dispatcher.waitForIdle();
    expect(queue.inspect.get(requestId)?.state).toBe('dead');

    broken = false;
    expect(queue.redrive(requestId)).toMatchObject({ state: 'queued', attempts: 0 });
    dispatcher.wake();
    await dispatcher.waitForIdle();

    expect(queue.inspect.get(requestId)).toMatchObject({ state: 'succeeded', attempts: 1 });
    expect(queue.inspect.deadLetters()).toEqual([]);
    expect(queue.inspect.deadLetters({ includeRedriven: true })[0]?.redrivenAt).toBe(clock.now());
  });

  it('re-drives a failed invocation waiting for its retry without waiting', async () => {
    const queue = openQueue();
    const calls: ClaimedInvocation[] = [];
    const { requestId } = queue.enqueue('flaky', {});
    const dispatcher = dispatch(queue, flaky(1, calls));
    await settle();
    expect(queue.inspect.failed().map((f) => f.requestId)).toEqual([requestId]);

    queue.redrive(requestId);
    dispatcher.wake();
    await settle();

    expect(calls.map((c) => c.attempt)).toEqual([1, 2]);
    expect(queue.inspect.get(requestId)?.state).toBe('succeeded');
  });

  it('refuses to re-drive a succeeded or unknown invocation, with codes', async () => {
    const queue = openQueue();
    const { requestId } = queue.enqueue('ok', {});
    await dispatch(queue, flaky(0)).waitForIdle();

    expect(() => queue.redrive(requestId)).toThrow(
      expect.objectContaining({ code: 'INVOCATION_NOT_REDRIVABLE' }),
    );
    expect(() => queue.redrive('nope')).toThrow(
      expect.objectContaining({ code: 'INVOCATION_NOT_FOUND' }),
    );
  });

  it('gives back, unconsumed, an attempt that fails while the dispatcher stops', async () => {
    const queue = openQueue();
    let fail: (error: Error) => void = () => {};
    const { requestId } = queue.enqueue('long', {}, { retryAttempts: 0 });
    const dispatcher = dispatch(queue, () => new Promise((_, reject) => (fail = reject)));
    await settle();

    const stopped = dispatcher.stop();
    fail(new PlatformError('RUNTIME_CLOSED', 'the runtime is closed'));
    await stopped;

    expect(queue.inspect.get(requestId)).toMatchObject({ state: 'queued', attempts: 0 });
  });

  it('rejects a pending waitForIdle with QUEUE_CLOSED when the dispatcher stops', async () => {
    const queue = openQueue();
    queue.enqueue('later', {});
    const dispatcher = dispatch(queue, flaky(1));
    await settle();
    const idle = dispatcher.waitForIdle();

    await dispatcher.stop();

    await expect(idle).rejects.toMatchObject({ code: 'QUEUE_CLOSED' });
  });

  it('runs no more invocations at once than its concurrency', async () => {
    const queue = openQueue();
    for (let i = 0; i < 10; i += 1) queue.enqueue('f', { i });
    let running = 0;
    let most = 0;
    const dispatcher = new Dispatcher(
      queue,
      async () => {
        running += 1;
        most = Math.max(most, running);
        await settle();
        running -= 1;
      },
      { clock, concurrency: 3, pollIntervalMs: 0 },
    );
    dispatchers.push(dispatcher);
    dispatcher.start();
    await dispatcher.waitForIdle();

    expect(most).toBe(3);
    expect(queue.inspect.list({ state: 'succeeded' })).toHaveLength(10);
  });
});
