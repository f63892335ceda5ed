/**
 * @module The SQLite schema of the asynchronous invocation queue (see invocations.ts). Times are
 * epoch milliseconds. Table names avoid `invocations`, which records.ts uses.
 */
export const QUEUE_SCHEMA = `
CREATE TABLE IF NOT EXISTS async_invocations (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id TEXT NOT NULL UNIQUE,
  function_name TEXT NOT NULL,
  payload TEXT NOT NULL,
  payload_bytes INTEGER NOT NULL,
  idempotency_key TEXT UNIQUE,
  origin TEXT,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'dead')),
  max_attempts INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  throttles INTEGER NOT NULL DEFAULT 0,
  interruptions INTEGER NOT NULL DEFAULT 0,
  available_at REAL NOT NULL,
  age_from REAL NOT NULL,
  lease_owner TEXT,
  lease_token TEXT,
  lease_expires_at REAL,
  enqueued_at REAL NOT NULL,
  updated_at REAL NOT NULL,
  finished_at REAL,
  error_code TEXT,
  error_message TEXT,
  result TEXT
);
CREATE INDEX IF NOT EXISTS async_invocations_ready ON async_invocations (state, available_at, seq);
CREATE TABLE IF NOT EXISTS async_attempts (
  request_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  started_at REAL NOT NULL,
  ended_at REAL NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('success', 'error', 'throttled', 'interrupted')),
  error_code TEXT,
  error_message TEXT
);
CREATE INDEX IF NOT EXISTS async_attempts_request ON async_attempts (request_id);
CREATE TABLE IF NOT EXISTS dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id TEXT NOT NULL,
  function_name TEXT NOT NULL,
  payload TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  error_code TEXT NOT NULL,
  error_message TEXT NOT NULL,
  error_details TEXT,
  dead_at REAL NOT NULL,
  redriven_at REAL
);
CREATE INDEX IF NOT EXISTS dead_letters_request ON dead_letters (request_id);
`;
