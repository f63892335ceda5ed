/**
 * @module The durable queue of asynchronous invocations (SQLite through better-sqlite3).
 *
 * An invocation is committed (WAL, `synchronous = FULL`) before `enqueue` returns, so an
 * acknowledged invocation survives `kill -9` and a power cut. A dispatcher (dispatcher.ts)
 * claims ready invocations under a lease, runs them and reports the outcome here:
 *
 * ```
 * queued ──claim──> running ──complete──> succeeded
 *   ^                  │ fail (attempts left)  -> queued after a backoff
 *   │                  │ fail (last attempt)   -> dead, with a dead letter
 *   │                  │ throttle              -> queued after a delay, no attempt consumed
 *   └──────────────────┘ owner died / lease expired / released -> queued, no attempt consumed
 * ```
 *
 * Handlers run at least once: one that was running when the platform died runs again.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { type Clock, systemClock } from './clock.js';
import {
  describeFailure,
  type Failure,
  InvocationError,
  notRedrivable,
} from './invocation-error.js';
import {
  type InvocationQueueOptions,
  type ResolvedQueueOptions,
  resolveQueueOptions,
} from './invocation-options.js';
import { QueueInspector } from './invocation-queries.js';
import type {
  ClaimedInvocation,
  EnqueueOptions,
  FailureOutcome,
  InvocationAttempt,
  QueuedInvocation,
  QueueRow,
} from './invocation-rows.js';
import { prepareQueueStatements, type QueueStatements } from './invocation-statements.js';
import { QUEUE_SCHEMA } from './invocations-schema.js';
import { isOrphan, newOwner, retireOwner } from './leases.js';
import { serializePayload } from './payload.js';

export type { InvocationQueueOptions } from './invocation-options.js';
export type {
  ClaimedInvocation,
  DeadLetter,
  EnqueueOptions,
  FailureOutcome,
  InvocationAttempt,
  InvocationState,
  QueuedInvocation,
} from './invocation-rows.js';

/** The durable asynchronous invocation queue of one state directory. */
export class InvocationQueue {
  /** This queue object's identity in lease columns: host, pid, random suffix. */
  readonly ownerId = newOwner();
  /** Read-only views: invocations, failures, dead letters, attempts. */
  readonly inspect: QueueInspector;
  readonly #db: Database.Database;
  readonly #sql: QueueStatements;
  readonly #clock: Clock;
  readonly #options: ResolvedQueueOptions;
  #claims = 0;

  /** Opens (creating if needed) the queue at `path` (a file, or `:memory:`). */
  static open(path: string, options: InvocationQueueOptions = {}): InvocationQueue {
    return new InvocationQueue(new Database(path), options);
  }

  // Every transaction below starts IMMEDIATE: it takes the write lock up front, so that two
  // processes on one queue wait for each other (busy_timeout) instead of failing with
  // SQLITE_BUSY when a read inside a transaction turns into a write.
  constructor(db: Database.Database, options: InvocationQueueOptions = {}) {
    this.#db = db;
    this.#clock = options.clock ?? systemClock;
    this.#options = resolveQueueOptions(options);
    db.pragma('journal_mode = WAL');
    // FULL: the commit is on disk before enqueue() returns, not just in the OS cache.
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.exec(QUEUE_SCHEMA);
    this.#sql = prepareQueueStatements(db);
    this.inspect = new QueueInspector(db);
  }

  /**
   * Stores an invocation durably and returns its request id; with an idempotency key already
   * used, returns the first invocation's id and `duplicate: true`. Throws PAYLOAD_TOO_LARGE past
   * Lambda's 256 KB limit for asynchronous payloads.
   */
  enqueue(
    functionName: string,
    payload: unknown,
    options: EnqueueOptions = {},
  ): { requestId: string; duplicate: boolean } {
    const { json, bytes } = serializePayload(functionName, payload, 'Event');
    const requestId = randomUUID();
    const inserted = this.#sql.insert.run({
      requestId,
      functionName,
      payload: json,
      payloadBytes: bytes,
      idempotencyKey: options.idempotencyKey ?? null,
      origin: options.origin ? JSON.stringify(options.origin) : null,
      maxAttempts: options.retryAttempts === undefined ? null : options.retryAttempts + 1,
      now: this.#clock.now(),
    });
    if (inserted.changes === 1) return { requestId, duplicate: false };
    const first = this.#sql.byIdempotencyKey.get(options.idempotencyKey as string);
    return { requestId: first?.request_id as string, duplicate: true };
  }

  /**
   * Claims up to `limit` ready invocations, oldest first. Takes back expired leases and
   * dead-letters invocations past the maximum event age on the way.
   */
  claim(limit: number): ClaimedInvocation[] {
    return this.#db
      .transaction(() => {
        const now = this.#clock.now();
        for (const row of this.#sql.expiredLeases.all(now)) this.#interrupt(row, now);
        this.#expireOldEvents(now);
        return this.#sql.ready.all(now, limit).map((row) => this.#claimRow(row, now));
      })
      .immediate();
  }

  /** Marks a claimed invocation succeeded; false when the claim was no longer held. */
  complete(claim: ClaimedInvocation, result: unknown): boolean {
    return this.#db
      .transaction(() => {
        const now = this.#clock.now();
        const { requestId, leaseToken: token } = claim;
        const json = JSON.stringify(result ?? null);
        const changed = this.#sql.succeed.run({ requestId, token, now, result: json });
        if (changed.changes === 0) return false;
        this.#logAttempt(claim, now, 'success');
        return true;
      })
      .immediate();
  }

  /** Reports a failed attempt: retried after a backoff, or dead-lettered after the last one. */
  fail(claim: ClaimedInvocation, error: unknown): FailureOutcome {
    return this.#db
      .transaction((): FailureOutcome => {
        const row = this.#sql.held.get(claim.requestId, claim.leaseToken);
        if (row === undefined) return 'stale';
        const now = this.#clock.now();
        const failure = { ...describeFailure(error), attempts: row.attempts + 1 };
        this.#logAttempt(claim, now, 'error', failure);
        if (failure.attempts >= this.#maxAttempts(row)) {
          this.#deadLetter(row, failure, now);
          return 'dead';
        }
        const { code, message, attempts } = failure;
        this.#sql.recordFailure.run({ requestId: row.request_id, code, message, attempts });
        const delay = this.#options.retryBaseDelayMs * 2 ** (failure.attempts - 1);
        this.#requeue(row.request_id, now + delay, now);
        return 'retry';
      })
      .immediate();
  }

  /** Reports a throttled attempt: queued again after a growing delay, no attempt consumed. */
  throttle(claim: ClaimedInvocation, error?: unknown): boolean {
    return this.#db
      .transaction(() => {
        const row = this.#sql.held.get(claim.requestId, claim.leaseToken);
        if (row === undefined) return false;
        const now = this.#clock.now();
        const { throttleBaseDelayMs: base, throttleMaxDelayMs: max, random } = this.#options;
        const ceiling = Math.min(max, base * 2 ** Math.min(row.throttles, 30));
        // Equal jitter: a burst throttled at one instant must not come back at one instant.
        // Without it, 38 uploads waiting on two OCR instances all retried together every
        // 5 s, two got in each time, and `lectern run` on 40 receipts left the CPU idle
        // two thirds of its 94 s.
        const delay = Math.round(ceiling / 2 + (random() * ceiling) / 2);
        this.#logAttempt(claim, now, 'throttled', describeFailure(error ?? 'throttled'));
        this.#sql.countThrottle.run(row.request_id);
        this.#requeue(row.request_id, now + delay, now);
        return true;
      })
      .immediate();
  }

  /** Gives a claim back unfinished (the platform is stopping): runs again, nothing consumed. */
  release(claim: ClaimedInvocation): boolean {
    return this.#db
      .transaction(() => {
        const row = this.#sql.held.get(claim.requestId, claim.leaseToken);
        if (row === undefined) return false;
        this.#requeue(row.request_id, this.#clock.now(), this.#clock.now());
        return true;
      })
      .immediate();
  }

  /**
   * Takes back invocations claimed by processes of this host that no longer exist (the
   * platform was killed); they run again without an attempt consumed. Returns how many.
   */
  recoverOrphans(): number {
    return this.#db
      .transaction(() => {
        const now = this.#clock.now();
        const orphans = this.#sql.running.all().filter((row) => isOrphan(row.lease_owner));
        for (const row of orphans) this.#interrupt(row, now);
        return orphans.length;
      })
      .immediate();
  }

  /**
   * Runs a failed invocation again now: a dead one with a fresh set of attempts, one waiting
   * for its retry without further wait. Throws INVOCATION_NOT_FOUND or INVOCATION_NOT_REDRIVABLE.
   */
  redrive(requestId: string): QueuedInvocation {
    return this.#db
      .transaction(() => {
        const row = this.#sql.row.get(requestId);
        if (row === undefined) {
          throw new InvocationError(
            'INVOCATION_NOT_FOUND',
            `no asynchronous invocation ${requestId}`,
          );
        }
        const redrivable =
          row.state === 'dead' || (row.state === 'queued' && row.error_code !== null);
        if (!redrivable) throw notRedrivable(row);
        const now = this.#clock.now();
        if (row.state === 'dead') {
          this.#sql.markRedriven.run({ requestId, now });
          this.#sql.resetForRedrive.run({ requestId, now });
        }
        this.#requeue(requestId, now, now);
        return this.inspect.get(requestId) as QueuedInvocation;
      })
      .immediate();
  }

  /** Closes the database. Claims still held become orphans, taken back by the next queue. */
  close(): void {
    retireOwner(this.ownerId);
    if (this.#db.open) this.#db.close();
  }

  #claimRow(row: QueueRow, now: number): ClaimedInvocation {
    this.#claims += 1;
    const token = `${this.ownerId}#${this.#claims}`;
    const expiresAt = now + this.#options.leaseMs;
    this.#sql.claim.run({ requestId: row.request_id, owner: this.ownerId, token, expiresAt, now });
    return {
      requestId: row.request_id,
      functionName: row.function_name,
      payload: JSON.parse(row.payload),
      attempt: row.attempts + 1,
      maxAttempts: this.#maxAttempts(row),
      origin: row.origin ? JSON.parse(row.origin) : {},
      leaseToken: token,
      claimedAt: now,
    };
  }

  #maxAttempts(row: QueueRow): number {
    if (row.max_attempts !== null) return row.max_attempts;
    const retries = this.#options.retryAttemptsOf(row.function_name) ?? 2;
    return Math.min(2, Math.max(0, Math.floor(retries))) + 1;
  }

  #requeue(requestId: string, availableAt: number, now: number): void {
    this.#sql.requeue.run({ requestId, availableAt, now });
  }

  #deadLetter(row: QueueRow, failure: Failure, now: number): void {
    const { request_id: requestId, function_name: functionName, payload } = row;
    const { code, message, attempts } = failure;
    const details = failure.details ?? null;
    this.#sql.markDead.run({ requestId, now, code, message, attempts });
    this.#sql.insertDeadLetter.run({ requestId, functionName, payload, now, ...failure, details });
  }

  #interrupt(row: QueueRow, now: number): void {
    const message = 'the platform stopped while the invocation ran';
    const failure = { code: 'INVOCATION_INTERRUPTED', message, attempts: row.attempts };
    const claim = {
      requestId: row.request_id,
      attempt: row.attempts + 1,
      claimedAt: row.updated_at,
    };
    this.#logAttempt(claim, now, 'interrupted', failure);
    this.#sql.countInterruption.run(row.request_id);
    if (row.interruptions + 1 <= this.#options.maxInterruptions) {
      this.#requeue(row.request_id, now, now);
      return;
    }
    this.#deadLetter(
      row,
      { ...failure, message: `${message}, ${row.interruptions + 1} times` },
      now,
    );
  }

  #expireOldEvents(now: number): void {
    const { maxEventAgeMs } = this.#options;
    const message = `not run to success within the maximum event age of ${maxEventAgeMs} ms`;
    for (const row of this.#sql.tooOld.all(now - maxEventAgeMs)) {
      this.#deadLetter(row, { code: 'EVENT_EXPIRED', message, attempts: row.attempts }, now);
    }
  }

  #logAttempt(
    claim: Pick<ClaimedInvocation, 'requestId' | 'attempt' | 'claimedAt'>,
    endedAt: number,
    outcome: InvocationAttempt['outcome'],
    failure?: { code: string; message: string },
  ): void {
    this.#sql.logAttempt.run({
      requestId: claim.requestId,
      attempt: claim.attempt,
      startedAt: claim.claimedAt,
      endedAt,
      outcome,
      code: failure?.code ?? null,
      message: failure?.message ?? null,
    });
  }
}
