/**
 * @module The SQL of the invocation queue's state changes, prepared once per connection.
 * Parameters are named after the columns they fill.
 */
import type Database from 'better-sqlite3';
import type { QueueRow } from './invocation-rows.js';

const RELEASE_LEASE = 'lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL';

type Named = Database.Statement<[Record<string, unknown>]>;
type ById = Database.Statement<[string]>;
type Rows<P extends unknown[]> = Database.Statement<P, QueueRow>;

/** The prepared statements of one connection. */
export interface QueueStatements {
  insert: Named;
  byIdempotencyKey: Database.Statement<[string], { request_id: string }>;
  row: Rows<[string]>;
  held: Rows<[string, string]>;
  ready: Rows<[number, number]>;
  running: Rows<[]>;
  expiredLeases: Rows<[number]>;
  tooOld: Rows<[number]>;
  claim: Named;
  succeed: Named;
  requeue: Named;
  recordFailure: Named;
  countThrottle: ById;
  countInterruption: ById;
  markDead: Named;
  insertDeadLetter: Named;
  markRedriven: Named;
  resetForRedrive: Named;
  logAttempt: Named;
}

/** Prepares every statement the queue's transitions use. */
export function prepareQueueStatements(db: Database.Database): QueueStatements {
  return {
    insert: db.prepare<[Record<string, unknown>]>(
      `INSERT INTO async_invocations (request_id, function_name, payload, payload_bytes,
         idempotency_key, origin, state, max_attempts, available_at, age_from, enqueued_at,
         updated_at)
       VALUES (@requestId, @functionName, @payload, @payloadBytes, @idempotencyKey, @origin,
         'queued', @maxAttempts, @now, @now, @now, @now)
       ON CONFLICT (idempotency_key) DO NOTHING`,
    ),
    byIdempotencyKey: db.prepare<[string], { request_id: string }>(
      'SELECT request_id FROM async_invocations WHERE idempotency_key = ?',
    ),
    row: db.prepare<[string], QueueRow>('SELECT * FROM async_invocations WHERE request_id = ?'),
    held: db.prepare<[string, string], QueueRow>(
      `SELECT * FROM async_invocations
       WHERE request_id = ? AND lease_token = ? AND state = 'running'`,
    ),
    ready: db.prepare<[number, number], QueueRow>(
      `SELECT * FROM async_invocations WHERE state = 'queued' AND available_at <= ?
       ORDER BY available_at, seq LIMIT ?`,
    ),
    running: db.prepare<[], QueueRow>(`SELECT * FROM async_invocations WHERE state = 'running'`),
    expiredLeases: db.prepare<[number], QueueRow>(
      `SELECT * FROM async_invocations WHERE state = 'running' AND lease_expires_at <= ?`,
    ),
    tooOld: db.prepare<[number], QueueRow>(
      `SELECT * FROM async_invocations WHERE state = 'queued' AND age_from <= ?`,
    ),
    claim: db.prepare<[Record<string, unknown>]>(
      `UPDATE async_invocations SET state = 'running', lease_owner = @owner, lease_token = @token,
         lease_expires_at = @expiresAt, updated_at = @now WHERE request_id = @requestId`,
    ),
    succeed: db.prepare<[Record<string, unknown>]>(
      `UPDATE async_invocations SET state = 'succeeded', attempts = attempts + 1,
         finished_at = @now, updated_at = @now, result = @result, ${RELEASE_LEASE}
       WHERE request_id = @requestId AND lease_token = @token AND state = 'running'`,
    ),
    requeue: db.prepare<[Record<string, unknown>]>(
      `UPDATE async_invocations SET state = 'queued', available_at = @availableAt,
         updated_at = @now, ${RELEASE_LEASE}
       WHERE request_id = @requestId`,
    ),
    recordFailure: db.prepare<[Record<string, unknown>]>(
      `UPDATE async_invocations SET attempts = @attempts, error_code = @code,
         error_message = @message WHERE request_id = @requestId`,
    ),
    countThrottle: db.prepare<[string]>(
      'UPDATE async_invocations SET throttles = throttles + 1 WHERE request_id = ?',
    ),
    countInterruption: db.prepare<[string]>(
      'UPDATE async_invocations SET interruptions = interruptions + 1 WHERE request_id = ?',
    ),
    markDead: db.prepare<[Record<string, unknown>]>(
      `UPDATE async_invocations SET state = 'dead', attempts = @attempts, error_code = @code,
         error_message = @message, finished_at = @now, updated_at = @now, ${RELEASE_LEASE}
       WHERE request_id = @requestId`,
    ),
    insertDeadLetter: db.prepare<[Record<string, unknown>]>(
      `INSERT INTO dead_letters (request_id, function_name, payload, attempts, error_code,
         error_message, error_details, dead_at)
       VALUES (@requestId, @functionName, @payload, @attempts, @code, @message, @details, @now)`,
    ),
    markRedriven: db.prepare<[Record<string, unknown>]>(
      `UPDATE dead_letters SET redriven_at = @now
       WHERE request_id = @requestId AND redriven_at IS NULL`,
    ),
    resetForRedrive: db.prepare<[Record<string, unknown>]>(
      `UPDATE async_invocations SET attempts = 0, throttles = 0, interruptions = 0,
         age_from = @now, finished_at = NULL WHERE request_id = @requestId`,
    ),
    logAttempt: db.prepare<[Record<string, unknown>]>(
      `INSERT INTO async_attempts (request_id, attempt, started_at, ended_at, outcome,
         error_code, error_message)
       VALUES (@requestId, @attempt, @startedAt, @endedAt, @outcome, @code, @message)`,
    ),
  };
}
