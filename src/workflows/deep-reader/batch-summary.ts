/**
 * @module The figures of a batch: documents, pages, outcomes with reasons, latency, the
 * platform's overhead, invocations, cold starts, billed GB-seconds and cost under both price
 * tables (provisioned concurrency as its own line, since it is paid per run, not per
 * document).
 */

import { withoutSubject } from '../../errors.js';
import { bill } from '../../platform/billing.js';
import { platformOverheadMs } from '../../platform/overhead.js';
import { AWS_2020_PAPER, AWS_2026 } from '../../platform/prices.js';
import type { InvocationRecord, ProvisionedPeriod } from '../../platform/records.js';
import type { IndexedDocument } from './results-index.js';

/** A document that ended without a result. */
export interface FailedDocument {
  /** The file, or the key when there is none. */
  document: string;
  code: string;
  message?: string;
}

/** How a batch's entries are told apart in its summary. */
export interface CountOptions {
  /** What to call a document. Default: its key. */
  name?: (entry: IndexedDocument) => string;
  /** Whether a document's outcome comes from an earlier run. Default: none does. */
  reused?: (entry: IndexedDocument) => boolean;
}

/** Median, 95th percentile and maximum, in ms. */
export interface Spread {
  median: number;
  p95: number;
  max: number;
}

/** The summary of one batch. */
export interface BatchSummary {
  mode: 'platform' | 'on-premise';
  documents: number;
  pages: number;
  /** Documents read whole. */
  succeeded: number;
  /**
   * Documents with a result in which some page was only partly decoded (a truncated or
   * damaged image): their result is written, but part of them may be missing.
   */
  partial: number;
  /** The partial documents, by name (the file, or the key when there is none). */
  partialDocuments: string[];
  failed: number;
  /** Failure count per error code. */
  failures: Record<string, number>;
  /** The failed documents, by name, each with its code and message. */
  failedDocuments: FailedDocument[];
  /**
   * Documents whose outcome was already recorded for the same bytes (an earlier run on the
   * same state): counted above by that outcome, not read again, and left out of the times.
   */
  reused: number;
  /** The reused documents, by name. */
  reusedDocuments: string[];
  /** Upload (or start, on-premise) to outcome, per document read in this batch. */
  latencyMs: Spread;
  /** From the first upload to the last outcome of the documents read in this batch. */
  wallMs: number;
  /** Upload to the start of the OCR invocation that finished the document (platform only). */
  queueWaitMs?: Spread;
  /**
   * The platform's overhead per document (platform only): its latency minus the time during
   * which at least one of its functions (OCR, page, detection) was running its own code, waits
   * on nested invocations excluded (platform/overhead.ts). In a burst this is mostly the
   * queue wait of the upload event.
   */
  overheadMs?: Spread;
  invocations?: number;
  throttles?: number;
  coldStarts?: number;
  billedGbSeconds?: number;
  /** Per price table: invocations, provisioned concurrency, total. */
  cost?: Record<string, { invocationsUsd: number; provisionedUsd: number; totalUsd: number }>;
}

/** Nearest-rank percentile of `values` (0 when empty). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export function spread(values: number[]): Spread {
  return {
    median: percentile(values, 50),
    p95: percentile(values, 95),
    max: values.length ? Math.max(...values) : 0,
  };
}

/** The summary of a platform batch from its index entries and the run's records. */
export function summarisePlatformBatch(
  entries: IndexedDocument[],
  records: InvocationRecord[],
  periods: ProvisionedPeriod[],
  until: number,
  options: CountOptions = {},
): BatchSummary {
  const base = outcomeCounts(entries, options);
  const fresh = entries.filter((entry) => !options.reused?.(entry));
  const ran = records.filter((r) => r.outcome !== 'throttled');
  const overheads = documentOverheads(fresh, ran);
  const cost: NonNullable<BatchSummary['cost']> = {};
  for (const table of [AWS_2020_PAPER, AWS_2026]) {
    const lines = bill(records, periods, { table, until }).lines;
    const provisionedUsd = lines
      .filter((line) => line.item === 'provisioned-concurrency')
      .reduce((sum, line) => sum + line.amountUsd, 0);
    const totalUsd = lines.reduce((sum, line) => sum + line.amountUsd, 0);
    cost[table.id] = { invocationsUsd: totalUsd - provisionedUsd, provisionedUsd, totalUsd };
  }
  return {
    ...base,
    mode: 'platform',
    queueWaitMs: spread(fresh.flatMap((e) => (e.queueWaitMs === undefined ? [] : [e.queueWaitMs]))),
    overheadMs: spread(overheads),
    invocations: ran.length,
    throttles: records.length - ran.length,
    coldStarts: ran.filter((r) => r.startType === 'cold').length,
    billedGbSeconds: bill(records, [], { table: AWS_2026 })
      .lines.filter((line) => line.unit === 'GB-s')
      .reduce((sum, line) => sum + line.quantity, 0),
    cost,
  };
}

/** Each finished document's platform overhead, from the records of its invocations. */
function documentOverheads(entries: IndexedDocument[], ran: InvocationRecord[]): number[] {
  const byRoot = new Map<string, InvocationRecord[]>();
  for (const record of ran) {
    const tree = byRoot.get(record.rootRequestId) ?? [];
    tree.push(record);
    byRoot.set(record.rootRequestId, tree);
  }
  return entries.flatMap((entry) => {
    const tree = entry.requestId === undefined ? undefined : byRoot.get(entry.requestId);
    if (!tree || entry.finishedAt === undefined) return [];
    return [platformOverheadMs(tree, { start: entry.uploadedAt, end: entry.finishedAt })];
  });
}

/** Counts, pages and latencies common to both modes. */
export function outcomeCounts(
  entries: IndexedDocument[],
  options: CountOptions = {},
): Omit<BatchSummary, 'mode'> {
  const name = options.name ?? ((entry: IndexedDocument) => entry.key);
  const isReused = (entry: IndexedDocument) => options.reused?.(entry) ?? false;
  // An earlier run's times would stretch this one's wall time over both.
  const fresh = entries.filter((e) => !isReused(e));
  const starts = fresh.map((e) => e.uploadedAt);
  const ends = fresh.map((e) => e.finishedAt ?? e.uploadedAt);
  const read = entries.filter((e) => e.status === 'succeeded');
  const partial = read.filter((e) => (e.partialPages?.length ?? 0) > 0);
  const failedDocuments = entries
    .filter((e) => e.status === 'failed')
    .map((entry) => failedDocument(entry, name(entry)));
  return {
    documents: entries.length,
    pages: entries.reduce((sum, e) => sum + (e.pages ?? 0), 0),
    succeeded: read.length - partial.length,
    partial: partial.length,
    partialDocuments: partial.map(name),
    failed: failedDocuments.length,
    failures: countByCode(failedDocuments, {}),
    failedDocuments,
    reused: entries.length - fresh.length,
    reusedDocuments: entries.filter(isReused).map(name),
    latencyMs: spread(fresh.flatMap((e) => (e.latencyMs === undefined ? [] : [e.latencyMs]))),
    wallMs: fresh.length ? Math.max(...ends) - Math.min(...starts) : 0,
  };
}

/**
 * `summary` with `failed` counted as more failed documents: inputs that never became an
 * upload (a missing path, an unreadable file) or uploads with no outcome in time.
 */
export function withFailures<T extends Omit<BatchSummary, 'mode'>>(
  summary: T,
  failed: FailedDocument[],
): T {
  return {
    ...summary,
    documents: summary.documents + failed.length,
    failed: summary.failed + failed.length,
    failures: countByCode(failed, summary.failures),
    failedDocuments: [...summary.failedDocuments, ...failed],
  };
}

/** `counts` plus one per failed document under its code. */
function countByCode(
  failed: FailedDocument[],
  counts: Record<string, number>,
): Record<string, number> {
  const result = { ...counts };
  for (const { code } of failed) result[code] = (result[code] ?? 0) + 1;
  return result;
}

function failedDocument(entry: IndexedDocument, document: string): FailedDocument {
  const message = failureMessage(entry);
  return { document, code: entry.errorCode ?? 'UNKNOWN', ...(message ? { message } : {}) };
}

/**
 * A failed entry's message without its leading `<key>: `: failure records name the key the
 * function was given, while the user is told of the document by its own name.
 */
export function failureMessage(entry: IndexedDocument): string | undefined {
  return entry.errorMessage === undefined
    ? undefined
    : withoutSubject(entry.errorMessage, entry.key);
}

/** `{ partialPages }` when some of `pages` were only partly decoded, else nothing. */
export function partialPagesOf(
  pages: ReadonlyArray<{ number?: number; partial?: string }>,
): Pick<IndexedDocument, 'partialPages'> {
  const partial = pages.flatMap((page, i) => (page.partial ? [page.number ?? i + 1] : []));
  return partial.length > 0 ? { partialPages: partial } : {};
}
