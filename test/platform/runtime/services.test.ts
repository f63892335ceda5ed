import { describe, expect, it } from 'vitest';
import type { InvocationOrigin } from '../../../src/platform/runtime/local-runtime.js';
import { createTestRuntime, fixture, rejection } from './helpers.js';

const echo = { name: 'echo', handler: fixture('echo'), memoryMb: 256, timeoutMs: 5000 };
const nested = { name: 'nested', handler: fixture('nested'), memoryMb: 256, timeoutMs: 5000 };

describe('LocalRuntime services and records', () => {
  it('runs a nested invoke and links its record to the caller', async () => {
    const { runtime, records } = createTestRuntime();
    await runtime.deploy(echo);
    await runtime.deploy(nested);

    const outer = await runtime.invoke('nested', { target: 'echo', payload: { x: 1 } });

    expect(outer.payload).toMatchObject({
      nested: { event: { x: 1 } },
      requestId: outer.requestId,
    });
    const [inner] = records.query({ functionName: 'echo' });
    expect(inner).toMatchObject({
      parentRequestId: outer.requestId,
      rootRequestId: outer.requestId,
    });
    expect(records.query({ rootRequestId: outer.requestId })).toHaveLength(2);
  });

  it('records when each invocation’s outcome came back, by the runtime’s clock', async () => {
    const { runtime, clock } = createTestRuntime();
    await runtime.deploy(echo);

    const invocation = runtime.invoke('echo', { x: 1 });
    clock.advance(250);
    const { record } = await invocation;

    expect(record.endTime).toBe(record.startTime + 250);
  });

  it('hands nested invokes to the dispatch hook with their origin', async () => {
    const calls: Array<[string, unknown, string, InvocationOrigin]> = [];
    const { runtime } = createTestRuntime({
      dispatch: async (name, payload, type, origin) => {
        calls.push([name, payload, type, origin]);
        return { queued: true };
      },
    });
    await runtime.deploy(nested);

    const outer = await runtime.invoke('nested', { target: 'later', payload: [1], type: 'Event' });

    expect(outer.payload).toMatchObject({ nested: { queued: true } });
    expect(calls).toEqual([
      [
        'later',
        [1],
        'Event',
        { functionName: 'nested', requestId: outer.requestId, rootRequestId: outer.requestId },
      ],
    ]);
  });

  it('passes a nested invoke failure back to the calling handler', async () => {
    const { runtime } = createTestRuntime();
    await runtime.deploy(nested);

    const error = await rejection(runtime.invoke('nested', { target: 'missing', payload: 1 }));

    expect(error.code).toBe('HANDLER_ERROR');
    expect(error.details).toMatchObject({ error: { code: 'FUNCTION_NOT_FOUND' } });
  });

  it('builds the object store and shared volume inside the instance from factories', async () => {
    const module = fixture('memory-services');
    const { runtime } = createTestRuntime({
      services: {
        objects: { module, export: 'createObjectStore', options: { label: 'local' } },
        volume: { module, export: 'createVolume', options: { root: '/srv/shared' } },
      },
    });
    await runtime.deploy({
      name: 'storage',
      handler: fixture('storage'),
      memoryMb: 256,
      timeoutMs: 5000,
    });

    const { payload } = await runtime.invoke('storage', { key: 'a/b.txt', text: 'hello' });

    expect(payload).toEqual({
      stored: expect.objectContaining({
        bucket: 'tiles',
        key: 'a/b.txt',
        size: 5,
        userMetadata: { label: 'local' },
      }),
      text: 'hello',
      volumePath: '/srv/shared/tiles/0.png',
    });
  });

  it('fails a handler that uses a service the runtime was not given', async () => {
    const { runtime } = createTestRuntime();
    await runtime.deploy({
      name: 'storage',
      handler: fixture('storage'),
      memoryMb: 256,
      timeoutMs: 5000,
    });

    const error = await rejection(runtime.invoke('storage', { key: 'k', text: 't' }));

    expect(error.details).toMatchObject({ error: { code: 'SERVICE_NOT_CONFIGURED' } });
  });

  it('captures log lines per request id, init lines with the cold invocation', async () => {
    const { runtime, records } = createTestRuntime();
    await runtime.deploy({
      name: 'logs',
      handler: fixture('logs'),
      memoryMb: 256,
      timeoutMs: 5000,
    });

    const cold = await runtime.invoke('logs', { n: 1 });
    const warm = await runtime.invoke('logs', { n: 2 });

    const coldLines = records.logs(cold.requestId).map((line) => JSON.parse(line));
    const warmLines = records.logs(warm.requestId).map((line) => JSON.parse(line));
    expect(coldLines.map((l) => l.msg)).toEqual([
      'loading',
      'started',
      'plain console line {"n":1}',
      'almost done',
    ]);
    expect(coldLines.every((l) => l.requestId === cold.requestId && l.function === 'logs')).toBe(
      true,
    );
    expect(warmLines).toHaveLength(3);
    expect(warmLines[2]).toMatchObject({
      level: 'warn',
      step: 2,
      coldStart: false,
      requestId: warm.requestId,
    });
  });

  it('writes one record per invocation with its durations, sizes and billed duration', async () => {
    const { runtime, records, clock } = createTestRuntime({ runId: 'run-1' });
    await runtime.deploy(echo);

    const cold = await runtime.invoke('echo', { a: 1 });
    const warm = await runtime.invoke('echo', { a: 2 });

    const stored = records.query({ runId: 'run-1' });
    expect(stored).toEqual([cold.record, warm.record]);
    expect(cold.record).toMatchObject({
      functionName: 'echo',
      memorySizeMb: 256,
      startTime: clock.now(),
      payloadInBytes: 7,
      outcome: 'success',
    });
    expect(cold.record.billedDurationMs).toBe(
      Math.ceil(cold.record.durationMs + (cold.record.initDurationMs ?? 0)),
    );
    expect(warm.record.billedDurationMs).toBe(Math.max(1, Math.ceil(warm.record.durationMs)));
    expect(warm.record.payloadOutBytes).toBe(Buffer.byteLength(JSON.stringify(warm.payload)));
    expect(warm.record.maxMemoryUsedMb).toBeGreaterThan(0);
  });

  it('reports FUNCTION_NOT_FOUND for an unknown function and refuses a duplicate deploy', async () => {
    const { runtime } = createTestRuntime();
    await runtime.deploy(echo);

    expect((await rejection(runtime.invoke('nope', 1))).code).toBe('FUNCTION_NOT_FOUND');
    expect((await rejection(runtime.deploy(echo))).code).toBe('FUNCTION_EXISTS');
  });
});
