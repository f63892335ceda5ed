/**
 * @module One record per invocation, like Lambda's REPORT line, plus the log lines each
 * invocation wrote and the periods during which provisioned concurrency was configured. Kept
 * in SQLite so that billing, the lab and `lectern platform logs` read the same facts.
 */
import Database from 'better-sqlite3';
import type { InvocationType } from './function.js';
import { RECORDS_SCHEMA } from './records-schema.js';

/** How the instance that served an invocation came to be. */
export type StartType = 'cold' | 'warm' | 'provisioned';

/** How an invocation ended. */
export type InvocationOutcome = 'success' | 'error' | 'timeout' | 'out-of-memory' | 'throttled';

/** One invocation's report. Times in epoch ms, durations in ms. */
export interface InvocationRecord {
  requestId: string;
  /** The run (one runtime's lifetime, or a lab run) it belongs to. */
  runId: string;
  functionName: string;
  invocationType: InvocationType;
  /** The invocation whose handler made this one, if any. */
  parentRequestId?: string;
  /** The first invocation of the chain (itself for a root): a document's cost sums over it. */
  rootRequestId: string;
  instanceId?: string;
  startTime: number;
  /**
   * When the runtime had the outcome; the handler ran during `[endTime - durationMs, endTime]`
   * (to within the hop back from the instance). Absent in records written before it was kept.
   */
  endTime?: number;
  /** Process start, handler import and init: set for cold starts only. */
  initDurationMs?: number;
  /** The handler's own time, measured inside the instance. */
  durationMs: number;
  /** Duration as billed by the runtime's price table (rounded up, init included if billed). */
  billedDurationMs: number;
  memorySizeMb: number;
  /** Peak resident memory of the instance so far. */
  maxMemoryUsedMb?: number;
  /** Absent for throttled invocations, which reached no instance. */
  startType?: StartType;
  payloadInBytes: number;
  payloadOutBytes: number;
  outcome: InvocationOutcome;
  errorCode?: string;
  errorMessage?: string;
}

/** A span of time during which a function had provisioned instances configured. */
export interface ProvisionedPeriod {
  runId: string;
  functionName: string;
  memorySizeMb: number;
  instances: number;
  startTime: number;
  /** Absent while still configured. */
  endTime?: number;
}

/** Which records to read; every field narrows. */
export interface RecordFilter {
  runId?: string;
  functionName?: string;
  requestId?: string;
  rootRequestId?: string;
  /** startTime >= since */
  since?: number;
  /** startTime < until */
  until?: number;
}

type Row = Record<string, string | number | null>;

const COLUMNS: Array<[keyof InvocationRecord, string]> = [
  ['requestId', 'request_id'],
  ['runId', 'run_id'],
  ['functionName', 'function_name'],
  ['invocationType', 'invocation_type'],
  ['parentRequestId', 'parent_request_id'],
  ['rootRequestId', 'root_request_id'],
  ['instanceId', 'instance_id'],
  ['startTime', 'start_time'],
  ['endTime', 'end_time'],
  ['initDurationMs', 'init_duration_ms'],
  ['durationMs', 'duration_ms'],
  ['billedDurationMs', 'billed_duration_ms'],
  ['memorySizeMb', 'memory_size_mb'],
  ['maxMemoryUsedMb', 'max_memory_used_mb'],
  ['startType', 'start_type'],
  ['payloadInBytes', 'payload_in_bytes'],
  ['payloadOutBytes', 'payload_out_bytes'],
  ['outcome', 'outcome'],
  ['errorCode', 'error_code'],
  ['errorMessage', 'error_message'],
];

/** The invocation records of a SQLite database (a file, or `:memory:`). */
export class InvocationRecords {
  readonly #db: Database.Database;
  readonly #insert: Database.Statement;
  readonly #insertLog: Database.Statement;
  readonly #write: (record: InvocationRecord, logs: readonly string[]) => void;

  /** Opens (creating if needed) the records at `path`. */
  static open(path: string): InvocationRecords {
    return new InvocationRecords(new Database(path));
  }

  constructor(db: Database.Database) {
    this.#db = db;
    db.pragma('journal_mode = WAL');
    // A lost record after a power cut is acceptable; an fsync per invocation is not.
    db.pragma('synchronous = NORMAL');
    db.exec(RECORDS_SCHEMA);
    addMissingColumns(db);
    const names = COLUMNS.map(([, column]) => column);
    this.#insert = db.prepare(
      `INSERT INTO invocations (${names.join(', ')}) VALUES (${names.map((n) => `@${n}`).join(', ')})`,
    );
    this.#insertLog = db.prepare(
      'INSERT INTO invocation_logs (request_id, seq, line) VALUES (?, ?, ?)',
    );
    this.#write = db.transaction((record: InvocationRecord, logs: readonly string[]) => {
      this.#insert.run(toRow(record));
      for (const [index, line] of logs.entries()) {
        this.#insertLog.run(record.requestId, index, line);
      }
    });
  }

  /** Stores one invocation's record and its log lines (JSON text, one object each). */
  add(record: InvocationRecord, logs: readonly string[] = []): void {
    this.#write(record, logs);
  }

  /** Records matching `filter`, oldest first. */
  query(filter: RecordFilter = {}): InvocationRecord[] {
    const { where, params } = whereClause(filter);
    const rows = this.#db
      .prepare(`SELECT * FROM invocations ${where} ORDER BY start_time, seq`)
      .all(params) as Row[];
    return rows.map(fromRow);
  }

  /**
   * The records of `requestId` (every attempt) and of every invocation it caused, directly or
   * through others: those naming it as their root, and the descendants along parent links.
   * Oldest first. Shortcoming: a function started by a bucket notification from a handler's
   * write is not linked to that handler (S3 events carry no caller), so it is not included.
   */
  tree(requestId: string): InvocationRecord[] {
    const rows = this.#db
      .prepare(
        `WITH RECURSIVE tree(id) AS (
           SELECT @requestId
           UNION SELECT request_id FROM invocations WHERE root_request_id = @requestId
           UNION SELECT i.request_id FROM invocations i JOIN tree t ON i.parent_request_id = t.id
         )
         SELECT * FROM invocations WHERE request_id IN (SELECT id FROM tree)
         ORDER BY start_time, seq`,
      )
      .all({ requestId }) as Row[];
    return rows.map(fromRow);
  }

  /** The log lines (JSON text) of `requestId`, in the order written, across its attempts. */
  logs(requestId: string): string[] {
    const rows = this.#db
      .prepare('SELECT line FROM invocation_logs WHERE request_id = ? ORDER BY rowid')
      .all(requestId) as Array<{ line: string }>;
    return rows.map((row) => row.line);
  }

  /** Notes that provisioned instances were configured from `period.startTime`; returns its id. */
  startProvisioned(period: Omit<ProvisionedPeriod, 'endTime'>): number {
    const result = this.#db
      .prepare(
        `INSERT INTO provisioned_periods (run_id, function_name, memory_size_mb, instances, start_time)
         VALUES (?, ?, ?, ?, ?)`,
      )
      .run(
        period.runId,
        period.functionName,
        period.memorySizeMb,
        period.instances,
        period.startTime,
      );
    return Number(result.lastInsertRowid);
  }

  /** Closes the provisioned period `id` at `endTime`. */
  endProvisioned(id: number, endTime: number): void {
    this.#db
      .prepare('UPDATE provisioned_periods SET end_time = ? WHERE id = ? AND end_time IS NULL')
      .run(endTime, id);
  }

  /** Provisioned periods of a run and/or a function, oldest first. */
  provisionedPeriods(filter: { runId?: string; functionName?: string } = {}): ProvisionedPeriod[] {
    const { where, params } = whereClause(filter);
    const rows = this.#db
      .prepare(`SELECT * FROM provisioned_periods ${where} ORDER BY start_time, id`)
      .all(params) as Row[];
    return rows.map((row) => ({
      runId: String(row.run_id),
      functionName: String(row.function_name),
      memorySizeMb: Number(row.memory_size_mb),
      instances: Number(row.instances),
      startTime: Number(row.start_time),
      ...(row.end_time === null ? {} : { endTime: Number(row.end_time) }),
    }));
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

/** Brings a records file made by an older Lectern up to the current columns. */
function addMissingColumns(db: Database.Database): void {
  const present = new Set(
    (db.prepare('PRAGMA table_info(invocations)').all() as Array<{ name: string }>).map(
      (column) => column.name,
    ),
  );
  if (!present.has('end_time')) db.exec('ALTER TABLE invocations ADD COLUMN end_time REAL');
}

function whereClause(filter: RecordFilter): { where: string; params: Record<string, unknown> } {
  const conditions: string[] = [];
  const params: Record<string, unknown> = {};
  const equal: Array<[keyof RecordFilter, string]> = [
    ['runId', 'run_id'],
    ['functionName', 'function_name'],
    ['requestId', 'request_id'],
    ['rootRequestId', 'root_request_id'],
  ];
  for (const [field, column] of equal) {
    if (filter[field] === undefined) continue;
    conditions.push(`${column} = @${field}`);
    params[field] = filter[field];
  }
  if (filter.since !== undefined) conditions.push('start_time >= @since');
  if (filter.until !== undefined) conditions.push('start_time < @until');
  if (filter.since !== undefined) params.since = filter.since;
  if (filter.until !== undefined) params.until = filter.until;
  return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

function toRow(record: InvocationRecord): Row {
  const row: Row = {};
  for (const [field, column] of COLUMNS) row[column] = (record[field] ?? null) as Row[string];
  return row;
}

function fromRow(row: Row): InvocationRecord {
  const record: Record<string, unknown> = {};
  for (const [field, column] of COLUMNS) {
    const value = row[column];
    if (value !== null && value !== undefined) record[field] = value;
  }
  return record as unknown as InvocationRecord;
}
