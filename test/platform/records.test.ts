import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { type InvocationRecord, InvocationRecords } from '../../src/platform/records.js';
import { RECORDS_SCHEMA } from '../../src/platform/records-schema.js';

const base: InvocationRecord = {
  requestId: 'a',
  runId: 'run-1',
  functionName: 'ocr',
  invocationType: 'Event',
  rootRequestId: 'a',
  instanceId: 'ocr-1',
  startTime: 1000,
  endTime: 1095.25,
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

  it('adds the end time to a records file written before it was kept, keeping its rows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lectern-records-'));
    const path = join(dir, 'records.db');
    try {
      const old = new Database(path);
      old.exec(RECORDS_SCHEMA.replace('end_time REAL,', ''));
      old
        .prepare(
          `INSERT INTO invocations (request_id, run_id, function_name, invocation_type,
             root_request_id, start_time, duration_ms, billed_duration_ms, memory_size_mb,
             payload_in_bytes, payload_out_bytes, outcome)
           VALUES ('old', 'run-0', 'ocr', 'Event', 'old', 5, 1, 1, 128, 0, 0, 'success')`,
        )
        .run();
      old.close();

      const records = InvocationRecords.open(path);
      records.add(base);

      expect(records.query({ requestId: 'old' })[0]).not.toHaveProperty('endTime');
      expect(records.query({ requestId: 'a' })).toEqual([base]);
      records.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
