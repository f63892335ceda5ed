/**
 * @module Read-only questions about the invocation queue's tables, for the dispatcher,
 * operators and tests.
 */
import type Database from 'better-sqlite3';
import {
  attemptFromRow,
  type DeadLetter,
  deadLetterFromRow,
  type InvocationAttempt,
  type InvocationState,
  invocationFromRow,
  type QueuedInvocation,
  type QueueRow,
} from './invocation-rows.js';

/** Read-only views of the queue's tables. */
export class QueueInspector {
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  /** One invocation by request id. */
  get(requestId: string): QueuedInvocation | undefined {
    const row = this.#db
      .prepare('SELECT * FROM async_invocations WHERE request_id = ?')
      .get(requestId) as QueueRow | undefined;
    return row && invocationFromRow(row);
  }

  /** Invocations, oldest first, optionally in one state. */
  list(filter: { state?: InvocationState; limit?: number } = {}): QueuedInvocation[] {
    const rows = this.#db
      .prepare(
        `SELECT * FROM async_invocations WHERE (@state IS NULL OR state = @state)
       ORDER BY seq LIMIT @limit`,
      )
      .all({ state: filter.state ?? null, limit: filter.limit ?? -1 }) as QueueRow[];
    return rows.map(invocationFromRow);
  }

  /** Invocations with a failed attempt that have not succeeded: waiting for a retry, or dead. */
  failed(): QueuedInvocation[] {
    const rows = this.#db
      .prepare(
        `SELECT * FROM async_invocations WHERE error_code IS NOT NULL AND state != 'succeeded'
       ORDER BY seq`,
      )
      .all() as QueueRow[];
    return rows.map(invocationFromRow);
  }

  /** Dead letters, oldest first; re-driven ones only when asked. */
  deadLetters(options: { includeRedriven?: boolean } = {}): DeadLetter[] {
    const rows = this.#db
      .prepare('SELECT * FROM dead_letters WHERE (@all = 1 OR redriven_at IS NULL) ORDER BY id')
      .all({ all: options.includeRedriven ? 1 : 0 }) as Record<string, unknown>[];
    return rows.map(deadLetterFromRow);
  }

  /** Every attempt of one invocation, in order. */
  attempts(requestId: string): InvocationAttempt[] {
    const rows = this.#db
      .prepare('SELECT * FROM async_attempts WHERE request_id = ? ORDER BY rowid')
      .all(requestId) as Record<string, unknown>[];
    return rows.map(attemptFromRow);
  }

  /** Invocations not yet in a final state (queued or running). */
  pendingCount(): number {
    const row = this.#db
      .prepare(`SELECT COUNT(*) AS n FROM async_invocations WHERE state IN ('queued', 'running')`)
      .get() as { n: number };
    return row.n;
  }

  /** Epoch ms at which the next queued invocation becomes ready, if any. */
  nextAvailableAt(): number | undefined {
    const row = this.#db
      .prepare(`SELECT MIN(available_at) AS at FROM async_invocations WHERE state = 'queued'`)
      .get() as { at: number | null };
    return row.at ?? undefined;
  }
}
