/**
 * @module The SQLite schema of invocation records (see records.ts). Columns mirror
 * Lambda's REPORT line; times are epoch milliseconds, durations milliseconds.
 */
export const RECORDS_SCHEMA = `
CREATE TABLE IF NOT EXISTS invocations (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  function_name TEXT NOT NULL,
  invocation_type TEXT NOT NULL,
  parent_request_id TEXT,
  root_request_id TEXT NOT NULL,
  instance_id TEXT,
  start_time REAL NOT NULL,
  end_time REAL,
  init_duration_ms REAL,
  duration_ms REAL NOT NULL,
  billed_duration_ms INTEGER NOT NULL,
  memory_size_mb INTEGER NOT NULL,
  max_memory_used_mb INTEGER,
  start_type TEXT,
  payload_in_bytes INTEGER NOT NULL,
  payload_out_bytes INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  error_code TEXT,
  error_message TEXT
);
CREATE INDEX IF NOT EXISTS invocations_request ON invocations (request_id);
CREATE INDEX IF NOT EXISTS invocations_run ON invocations (run_id, start_time);
CREATE INDEX IF NOT EXISTS invocations_function ON invocations (function_name, start_time);
CREATE INDEX IF NOT EXISTS invocations_root ON invocations (root_request_id);
CREATE INDEX IF NOT EXISTS invocations_parent ON invocations (parent_request_id);
CREATE TABLE IF NOT EXISTS invocation_logs (
  request_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  line TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS invocation_logs_request ON invocation_logs (request_id);
CREATE TABLE IF NOT EXISTS provisioned_periods (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL,
  function_name TEXT NOT NULL,
  memory_size_mb INTEGER NOT NULL,
  instances INTEGER NOT NULL,
  start_time REAL NOT NULL,
  end_time REAL
);
`;
