/**
 * @module Bills from invocation records under a price table (prices.ts): requests, duration
 * (on-demand and on provisioned instances) and configured provisioned concurrency, each its
 * own line, per function and for the whole run.
 */
import { PlatformError } from './errors.js';
import type { Architecture, ArchitecturePrices, PriceTable } from './prices.js';
import { AWS_2026 } from './prices.js';
import type { InvocationRecord, ProvisionedPeriod } from './records.js';

/** What a bill line charges for. */
export type BillItem = 'requests' | 'duration' | 'provisioned-duration' | 'provisioned-concurrency';

/** One line: a function's charge for one item. */
export interface BillLine {
  functionName: string;
  item: BillItem;
  /** Requests, or GB-seconds after rounding. */
  quantity: number;
  unit: 'requests' | 'GB-s';
  amountUsd: number;
}

/** A bill for a set of records. */
export interface Bill {
  priceTable: string;
  architecture: Architecture;
  lines: BillLine[];
  /** Total per function, in order of first appearance. */
  functions: Array<{ functionName: string; amountUsd: number }>;
  totalUsd: number;
}

/** Options of {@link bill}. */
export interface BillOptions {
  /** Default today's table ({@link AWS_2026}). */
  table?: PriceTable;
  /** Default x86_64. */
  architecture?: Architecture;
  /** End of provisioned periods still open; required if any is open. */
  until?: number;
}

type BilledRecord = Pick<
  InvocationRecord,
  'durationMs' | 'initDurationMs' | 'startType' | 'memorySizeMb' | 'outcome'
>;

/**
 * The duration billed for one invocation: its duration, plus its init duration when the
 * table bills on-demand init, rounded up to the table's granularity (at least one granule).
 * Throttled invocations bill nothing.
 */
export function billedDurationMs(record: BilledRecord, table: PriceTable = AWS_2026): number {
  if (record.outcome === 'throttled') return 0;
  const init = record.startType === 'cold' && table.billsOnDemandInit ? record.initDurationMs : 0;
  const ms = record.durationMs + (init ?? 0);
  return Math.max(1, Math.ceil(ms / table.granularityMs - 1e-9)) * table.granularityMs;
}

/** The cost in USD of one invocation: its request and its duration. */
export function invocationCostUsd(
  record: BilledRecord,
  table: PriceTable = AWS_2026,
  architecture: Architecture = 'x86_64',
): number {
  if (record.outcome === 'throttled') return 0;
  const prices = pricesOf(table, architecture);
  return table.requestsPerMillion / 1e6 + durationCost(record, table, prices).amountUsd;
}

/** Bills `records` and the provisioned `periods` under one table and architecture. */
export function bill(
  records: readonly InvocationRecord[],
  periods: readonly ProvisionedPeriod[] = [],
  options: BillOptions = {},
): Bill {
  const table = options.table ?? AWS_2026;
  const architecture = options.architecture ?? 'x86_64';
  const prices = pricesOf(table, architecture);
  const lines = new Map<string, BillLine>();
  const add = (functionName: string, item: BillItem, quantity: number, amountUsd: number) => {
    const key = `${functionName}\u0000${item}`;
    const unit = item === 'requests' ? 'requests' : 'GB-s';
    const line = lines.get(key) ?? { functionName, item, quantity: 0, unit, amountUsd: 0 };
    line.quantity += quantity;
    line.amountUsd += amountUsd;
    lines.set(key, line);
  };

  for (const record of records) {
    if (record.outcome === 'throttled') continue;
    add(record.functionName, 'requests', 1, table.requestsPerMillion / 1e6);
    const { item, gbSeconds, amountUsd } = durationCost(record, table, prices);
    add(record.functionName, item, gbSeconds, amountUsd);
  }
  for (const period of periods) {
    const gbSeconds = provisionedGbSeconds(period, table, options.until);
    add(
      period.functionName,
      'provisioned-concurrency',
      gbSeconds,
      gbSeconds * prices.provisionedPerGbSecond,
    );
  }
  return summarise(table, architecture, [...lines.values()]);
}

/** What one request and the invocations it caused cost (see {@link requestCost}). */
export interface RequestCost {
  requestId: string;
  /** Records billed: every attempt of every invocation in the tree. */
  invocations: number;
  /** Requests and durations per function; no provisioned-concurrency line. */
  bill: Bill;
}

/**
 * The cost of `requestId` and of every invocation it caused (InvocationRecords.tree): for the
 * root request of a document, the document's cost. Requests and durations only: configured
 * provisioned concurrency is a cost of the deployment over time, not of any one request, and is
 * billed per run by {@link bill}; duration on provisioned instances is included.
 */
export function requestCost(
  records: { tree(requestId: string): InvocationRecord[] },
  requestId: string,
  options: Omit<BillOptions, 'until'> = {},
): RequestCost {
  const tree = records.tree(requestId);
  return { requestId, invocations: tree.length, bill: bill(tree, [], options) };
}

function durationCost(
  record: BilledRecord,
  table: PriceTable,
  prices: ArchitecturePrices,
): { item: BillItem; gbSeconds: number; amountUsd: number } {
  const billedMs = billedDurationMs(record, table);
  const gbSeconds = (record.memorySizeMb / 1024) * (billedMs / 1000);
  if (record.startType === 'provisioned') {
    const amountUsd = gbSeconds * prices.provisionedDurationPerGbSecond;
    return { item: 'provisioned-duration', gbSeconds, amountUsd };
  }
  const perGranule = table.durationPerGranuleByMemoryMb?.[record.memorySizeMb];
  const amountUsd =
    perGranule === undefined
      ? gbSeconds * prices.durationPerGbSecond
      : (billedMs / table.granularityMs) * perGranule;
  return { item: 'duration', gbSeconds, amountUsd };
}

function provisionedGbSeconds(
  period: ProvisionedPeriod,
  table: PriceTable,
  until: number | undefined,
): number {
  const end = period.endTime ?? until;
  if (end === undefined) {
    throw new PlatformError(
      'INVALID_CONFIGURATION',
      'a provisioned period is still open: pass `until` to bill it',
      { functionName: period.functionName },
    );
  }
  const step = table.provisionedGranularityMs;
  const ms = Math.max(step, Math.ceil((end - period.startTime) / step - 1e-9) * step);
  return period.instances * (period.memorySizeMb / 1024) * (ms / 1000);
}

function pricesOf(table: PriceTable, architecture: Architecture): ArchitecturePrices {
  const prices = table.architectures[architecture];
  if (prices) return prices;
  const known = Object.keys(table.architectures).join(', ');
  throw new PlatformError(
    'INVALID_CONFIGURATION',
    `price table ${table.id} has no prices for architecture ${architecture} (it has: ${known})`,
  );
}

function summarise(table: PriceTable, architecture: Architecture, lines: BillLine[]): Bill {
  const totals = new Map<string, number>();
  for (const line of lines) {
    totals.set(line.functionName, (totals.get(line.functionName) ?? 0) + line.amountUsd);
  }
  const functions = [...totals].map(([functionName, amountUsd]) => ({ functionName, amountUsd }));
  const totalUsd = functions.reduce((sum, entry) => sum + entry.amountUsd, 0);
  return { priceTable: table.id, architecture, lines, functions, totalUsd };
}
