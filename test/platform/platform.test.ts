import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { InvocationQueue } from '../../src/platform/invocations.js';
import { Platform, type PlatformOptions } from '../../src/platform/platform.js';
import { requireBuild } from './built.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}.mjs`, import.meta.url));
const spec = (name: string, handler: string, extra: object = {}) => ({
  name,
  handler: fixture(handler),
  memoryMb: 128,
  timeoutMs: 10_000,
  ...extra,
});

const dirs: string[] = [];
const platforms: Platform[] = [];
afterEach(async () => {
  for (const platform of platforms.splice(0)) await platform.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function openPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const stateDir = mkdtempSync(join(tmpdir(), 'lectern-platform-'));
  dirs.push(stateDir);
  const platform = await Platform.open({
    stateDir,
    queue: { retryBaseDelayMs: 20 },
    dispatcher: { pollIntervalMs: 50 },
    runtime: { isolation: 'approximate' },
    ...options,
  });
  platforms.push(platform);
  return platform;
}

const trigger = {
  id: 'uploads',
  bucket: 'ocr-input',
  functionName: 'copy',
  prefix: 'uploads/',
  suffix: '.jpg',
};

describe('Platform', () => {
  requireBuild('dist/platform/storage/s3-event.js', 'dist/platform/runtime/instance-host.js');

  it('runs the triggered function once for an upload whose key needs encoding', async () => {
    const platform = await openPlatform({
      functions: [spec('copy', 'queue-copy-upload')],
      notifications: [trigger],
    });
    const key = 'uploads/Facture nº 12 (copie)+final.jpg';
    await platform.objects.put('ocr-input', key, Buffer.from('receipt'), {
      contentType: 'image/jpeg',
    });
    await platform.waitForIdle();

    const copy = await platform.objects.get('ocr-input', `copies/${key}`);
    expect(copy.body.toString()).toBe('receipt');
    expect(copy.metadata.userMetadata.source).toBe(key);
    const [done] = platform.queue.inspect.list();
    expect(done).toMatchObject({ functionName: 'copy', state: 'succeeded', attempts: 1 });
    const records = platform.records.query({ requestId: done?.requestId });
    expect(records.map((r) => [r.invocationType, r.outcome])).toEqual([['Event', 'success']]);
    expect(platform.records.logs(done?.requestId ?? '').join('\n')).toContain('copied');
  });

  it('runs nothing for writes outside the filters, its own copies included', async () => {
    const platform = await openPlatform({
      functions: [spec('copy', 'queue-copy-upload')],
      notifications: [trigger],
    });
    await platform.objects.put('ocr-input', 'uploads/notes.txt', Buffer.from('x'));
    await platform.objects.put('ocr-input', 'elsewhere/a.jpg', Buffer.from('x'));
    await platform.waitForIdle();

    expect(platform.queue.inspect.list()).toEqual([]);
  });

  it("starts a function triggered by a handler's own write, from inside its instance", async () => {
    const platform = await openPlatform({
      functions: [spec('copy', 'queue-copy-upload'), spec('log', 'queue-run-log')],
      notifications: [
        trigger,
        { id: 'copies', bucket: 'ocr-input', functionName: 'log', prefix: 'copies/' },
      ],
    });
    await platform.objects.put('ocr-input', 'uploads/a.jpg', Buffer.from('x'));
    await platform.waitForIdle();

    const invocations = platform.queue.inspect.list();
    expect(invocations.map((i) => [i.functionName, i.state])).toEqual([
      ['copy', 'succeeded'],
      ['log', 'succeeded'],
    ]);
  });

  it('routes a nested Event invoke through the queue, keeping the parent and root ids', async () => {
    const platform = await openPlatform({
      functions: [spec('nested', 'nested'), spec('log', 'queue-run-log')],
    });
    const result = await platform.invoke('nested', {
      target: 'log',
      type: 'Event',
      payload: { id: 'child' },
    });
    await platform.waitForIdle();

    const parent = result.requestId;
    const [queued] = platform.queue.inspect.list();
    expect(result.payload).toMatchObject({
      nested: { requestId: queued?.requestId, statusCode: 202 },
    });
    expect(queued).toMatchObject({ functionName: 'log', state: 'succeeded' });
    const [child] = platform.records.query({ functionName: 'log' });
    expect(child).toMatchObject({ parentRequestId: parent, rootRequestId: parent });
  });

  it('retries a failing function as its spec says, then dead-letters it with the error', async () => {
    const platform = await openPlatform({
      functions: [spec('log', 'queue-run-log', { retryAttempts: 1 })],
    });
    const { requestId } = platform.invokeAsync('log', { id: 'bad', fail: true });
    await platform.waitForIdle();

    expect(platform.queue.inspect.deadLetters()).toEqual([
      expect.objectContaining({ requestId, attempts: 2, errorCode: 'HANDLER_ERROR' }),
    ]);
    const [letter] = platform.queue.inspect.deadLetters();
    expect(letter?.errorDetails?.error).toEqual({
      name: 'Error',
      message: 'item bad is meant to fail',
      code: 'MEANT_TO_FAIL',
    });
    const records = platform.records.query({ requestId });
    expect(records.map((r) => r.outcome)).toEqual(['error', 'error']);
    const runs = readFileSync(platform.volume.path('runs.log'), 'utf8');
    expect(
      runs
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(' ')[0]),
    ).toEqual(['bad', 'bad']);
  });

  it('runs a dead letter re-driven from another process while it is running', async () => {
    const platform = await openPlatform({
      functions: [spec('log', 'queue-run-log', { retryAttempts: 0 })],
    });
    const { requestId } = platform.invokeAsync('log', { id: 'later', fail: true });
    await platform.waitForIdle();
    writeFileSync(platform.volume.path('fixed'), '');

    const operator = InvocationQueue.open(join(platform.stateDir, 'queue.db'));
    operator.redrive(requestId);
    operator.close();
    await platform.waitForIdle();

    expect(platform.queue.inspect.get(requestId)).toMatchObject({
      state: 'succeeded',
      attempts: 1,
    });
  });

  it('refuses a synchronous call over the reserved concurrency; queued events wait and run', async () => {
    const platform = await openPlatform({
      functions: [spec('log', 'queue-run-log', { reservedConcurrency: 1, retryAttempts: 0 })],
      queue: { retryBaseDelayMs: 20, throttleBaseDelayMs: 20 },
    });
    const busy = new Promise<void>((resolve) => {
      platform.runtime.on('invocation-started', () => resolve());
    });
    const events = ['a', 'b', 'c'].map(
      (id) => platform.invokeAsync('log', { id, sleepMs: 100 }).requestId,
    );
    await busy;

    const refused = await platform.invoke('log', { id: 'sync' }).catch((error) => error);
    await platform.waitForIdle();

    expect(refused).toMatchObject({ code: 'THROTTLED' });
    expect(refused.message).toContain('reserved concurrency of 1');
    const settled = events.map((id) => platform.queue.inspect.get(id));
    expect(settled.map((i) => [i?.state, i?.attempts])).toEqual([
      ['succeeded', 1],
      ['succeeded', 1],
      ['succeeded', 1],
    ]);
    expect(settled.reduce((sum, i) => sum + (i?.throttles ?? 0), 0)).toBeGreaterThanOrEqual(2);
    expect(platform.queue.inspect.deadLetters()).toEqual([]);
    const outcomes = platform.records.query({ functionName: 'log' }).map((r) => r.outcome);
    expect(outcomes.filter((o) => o === 'success')).toHaveLength(3);
    expect(outcomes.filter((o) => o === 'throttled').length).toBeGreaterThanOrEqual(3);
  });

  it('refuses an asynchronous invoke of a function that is not deployed', async () => {
    const platform = await openPlatform();
    expect(() => platform.invokeAsync('missing', {})).toThrow(
      expect.objectContaining({ code: 'FUNCTION_NOT_FOUND' }),
    );
  });
});
