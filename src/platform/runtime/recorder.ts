/**
 * @module The record of each invocation (one per call, throttles and failed starts included),
 * with its billed duration and captured log lines, and the error the caller receives.
 */
import type { EventEmitter } from 'node:events';
import { billedDurationMs } from '../billing.js';
import type { Clock } from '../clock.js';
import { PlatformError } from '../errors.js';
import type { PriceTable } from '../prices.js';
import type { InvocationRecord, InvocationRecords, StartType } from '../records.js';
import type { Instance, RunOutcome } from './instance.js';
import { outcomeOf } from './outcome.js';

/** The fields of a record known before the invocation runs. */
export type RecordBase = Pick<
  InvocationRecord,
  | 'requestId'
  | 'runId'
  | 'functionName'
  | 'invocationType'
  | 'parentRequestId'
  | 'rootRequestId'
  | 'startTime'
  | 'memorySizeMb'
  | 'payloadInBytes'
>;

/** The instance an invocation ran on, and how it started. */
export type Lease = { instance: Instance; startType: StartType };

/** A successful invocation. */
export interface InvokeResult {
  requestId: string;
  payload: unknown;
  record: InvocationRecord;
}

/** Writes invocation records and emits `invocation-finished`. */
export class Recorder {
  readonly #records: InvocationRecords;
  readonly #events: EventEmitter;
  readonly #priceTable: PriceTable;
  readonly #clock: Clock;

  constructor(
    records: InvocationRecords,
    events: EventEmitter,
    priceTable: PriceTable,
    clock: Clock,
  ) {
    this.#records = records;
    this.#events = events;
    this.#priceTable = priceTable;
    this.#clock = clock;
  }

  /** Records a run and returns its result, or throws its error. */
  conclude(base: RecordBase, lease: Lease, run: RunOutcome): InvokeResult {
    const { instance, startType } = lease;
    const outcome = outcomeOf(base.functionName, run);
    const cold = startType === 'cold';
    const logs = cold ? [...tagged(instance.initLogs, base.requestId), ...run.logs] : run.logs;
    const record = this.#record(
      base,
      {
        instanceId: instance.id,
        startType,
        ...(cold && instance.initDurationMs !== undefined
          ? { initDurationMs: instance.initDurationMs }
          : {}),
        durationMs: run.durationMs,
        ...(run.maxMemoryUsedMb ? { maxMemoryUsedMb: run.maxMemoryUsedMb } : {}),
        payloadOutBytes: outcome.payloadOutBytes,
        ...outcome.fields,
      },
      logs,
    );
    if (outcome.error) throw withRequestId(outcome.error, base.requestId);
    return { requestId: base.requestId, payload: outcome.payload, record };
  }

  /**
   * Records a throttled call and returns its THROTTLED error. Lambda writes no REPORT line for
   * a throttle; Lectern records one (billed 0) so that the lab can count throttles per run.
   */
  throttled(base: RecordBase, reason: string): PlatformError {
    const error = new PlatformError('THROTTLED', `throttled: ${reason}`, {
      functionName: base.functionName,
      details: { requestId: base.requestId },
    });
    this.#record(base, {
      durationMs: 0,
      payloadOutBytes: 0,
      outcome: 'throttled',
      errorCode: error.code,
      errorMessage: error.message,
    });
    return error;
  }

  /** Records a call whose cold start failed and returns the error. */
  failedStart(base: RecordBase, instance: Instance, error: PlatformError): PlatformError {
    const outcome =
      error.code === 'TIMEOUT'
        ? 'timeout'
        : error.code === 'OUT_OF_MEMORY'
          ? 'out-of-memory'
          : 'error';
    this.#record(
      base,
      {
        instanceId: instance.id,
        startType: 'cold',
        ...(instance.initDurationMs === undefined
          ? {}
          : { initDurationMs: instance.initDurationMs }),
        durationMs: 0,
        payloadOutBytes: 0,
        outcome,
        errorCode: error.code,
        errorMessage: error.message,
      },
      instance.initLogs,
    );
    return withRequestId(error, base.requestId);
  }

  #record(
    base: RecordBase,
    rest: Omit<InvocationRecord, keyof RecordBase | 'billedDurationMs' | 'endTime'>,
    logs: string[] = [],
  ): InvocationRecord {
    const partial = { ...base, endTime: this.#clock.now(), ...rest };
    const record: InvocationRecord = {
      ...partial,
      billedDurationMs: billedDurationMs(partial, this.#priceTable),
    };
    this.#records.add(record, logs);
    this.#events.emit('invocation-finished', record);
    return record;
  }
}

/** Init lines carry no request id in the instance; they are filed under the cold invocation. */
function tagged(lines: string[], requestId: string): string[] {
  return lines.map((line) => JSON.stringify({ ...JSON.parse(line), requestId }));
}

function withRequestId(error: PlatformError, requestId: string): PlatformError {
  error.details.requestId ??= requestId;
  return error;
}
