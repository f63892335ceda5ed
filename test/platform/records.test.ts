import { describe, expect, it } from 'vitest';
import { type InvocationRecord, InvocationRecords } from '../../src/platform/records.js';

const base: InvocationRecord = {
  requestId: 'a',
  runId: 'run-1',
  functionName: 'ocr',
  invocationType: 'Event',
  rootRequestId: 'a',
  instanceId: 'ocr-1',
  startTime: 1000,
  initDurationMs: 80.5,
  durationMs: 12.25,
  billedDurationMs: 93,
  memorySizeMb: 2048,
  maxMemoryUsedMb: 140,
  startType: 'cold',
  payloadInBytes: 300,
  payloadOutBytes: 20,
  outcome: 'success',
};

describe('InvocationRecords', () => {
  it('stores a record and reads it back field for field, absent fields staying absent', () => {
    const records = InvocationRecords.open(':memory:');
    const warm: InvocationRecord = {
      ...base,
      requestId: 'b',
      rootRequestId: 'a',
      parentRequestId: 'a',
      startTime: 2000,
      startType: 'warm',
      initDurationMs: undefined,
      outcome: 'error',
      errorCode: 'HANDLER_ERROR',
      errorMessage: 'boom',
    };
    delete warm.initDurationMs;

    records.add(base);
    records.add(warm);

    expect(records.query()).toEqual([base, warm]);
    expect(records.query({ requestId: 'b' })).toEqual([warm]);
    expect(records.query({ rootRequestId: 'a' })).toHaveLength(2);
    expect(records.query({ since: 1500 })).toEqual([warm]);
    expect(records.query({ until: 1500 })).toEqual([base]);
    expect(records.query({ runId: 'other' })).toEqual([]);
  });

  it('keeps the log lines of a request in order', () => {
    const records = InvocationRecords.open(':memory:');
    const lines = ['{"msg":"one","requestId":"a"}', '{"msg":"two","requestId":"a"}'];

    records.add(base, lines);
    records.add({ ...base, requestId: 'c' }, ['{"msg":"other"}']);

    expect(records.logs('a')).toEqual(lines);
    expect(records.logs('none')).toEqual([]);
  });

  it('opens and closes provisioned periods', () => {
    const records = InvocationRecords.open(':memory:');

    const id = records.startProvisioned({
      runId: 'run-1',
      functionName: 'detect',
      memorySizeMb: 1024,
      instances: 3,
      startTime: 10,
    });
    expect(records.provisionedPeriods()).toEqual([
      { runId: 'run-1', functionName: 'detect', memorySizeMb: 1024, instances: 3, startTime: 10 },
    ]);
    records.endProvisioned(id, 500);
    records.endProvisioned(id, 900);

    expect(records.provisionedPeriods({ functionName: 'detect' })[0]?.endTime).toBe(500);
  });
});
