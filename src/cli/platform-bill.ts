/**
 * @module `lectern platform bill`: the bills of a state directory's records — of a run (or of
 * every record), or of one request and what it caused — under one or both price tables, and
 * their plain-text form: a line per function and item (requests, duration, provisioned
 * duration, provisioned concurrency).
 */
import { LecternError } from '../errors.js';
import { type Bill, bill, requestCost } from '../platform/billing.js';
import { type Architecture, PRICE_TABLES, type PriceTable } from '../platform/prices.js';
import type { InvocationRecords } from '../platform/records.js';
import { table } from './platform-report.js';

/** What to bill; see the command's help. */
export interface BillRequest {
  run?: string;
  request?: string;
  /** A price table id, or `both`. */
  table: string;
  arch: string;
  /** End of provisioned periods still open (a running platform's): now, by default. */
  until?: number;
}

/** What was billed: a run (or every record), or one request and what it caused. */
export interface BillScope {
  /** e.g. `run 81013629-...`, `request 5f4d... and the 6 invocations it caused`. */
  title: string;
  bills: Array<{ table: PriceTable; bill: Bill }>;
}

/**
 * Bills `request` from `records`. A request's bill has no provisioned-concurrency line (see
 * requestCost); a run's has one per function with provisioned instances. With `both`, tables
 * without prices for the architecture (the 2020 one has no arm64) are left out.
 */
export function billScope(records: InvocationRecords, request: BillRequest): BillScope {
  const architecture = parseArchitecture(request.arch);
  const tables = pickTables(request.table, architecture);
  if (request.request !== undefined) {
    const id = request.request;
    const costs = tables.map((prices) => ({
      table: prices,
      cost: requestCost(records, id, { table: prices, architecture }),
    }));
    const count = costs[0]?.cost.invocations ?? 0;
    return {
      title: `request ${id}: ${count} invocation records (itself, its retries and what it caused)`,
      bills: costs.map(({ table: prices, cost }) => ({ table: prices, bill: cost.bill })),
    };
  }
  const filter = request.run === undefined ? {} : { runId: request.run };
  const invocations = records.query(filter);
  const periods = records.provisionedPeriods(filter);
  const until = request.until ?? Date.now();
  return {
    title: `${request.run === undefined ? 'every run' : `run ${request.run}`}: ${invocations.length} invocation records`,
    bills: tables.map((prices) => ({
      table: prices,
      bill: bill(invocations, periods, { table: prices, architecture, until }),
    })),
  };
}

function pickTables(id: string, architecture: Architecture): PriceTable[] {
  if (id === 'both') {
    return Object.values(PRICE_TABLES).filter((prices) => prices.architectures[architecture]);
  }
  const prices = PRICE_TABLES[id];
  if (prices) return [prices];
  const known = [...Object.keys(PRICE_TABLES), 'both'].join(', ');
  throw new LecternError('USAGE', `unknown price table "${id}" (known: ${known})`);
}

function parseArchitecture(value: string): Architecture {
  if (value === 'x86_64' || value === 'arm64') return value;
  throw new LecternError('USAGE', `unknown architecture "${value}" (known: x86_64, arm64)`);
}

/** The bills of `scope`, each under its price table's id, source and date. */
export function formatBills(scope: BillScope): string {
  const sections = scope.bills.map(({ table: prices, bill }) => {
    const rows = bill.lines.map((line) => [
      line.functionName,
      line.item,
      quantity(line.quantity, line.unit),
      usd(line.amountUsd),
    ]);
    const totals = bill.functions.map((f) => [f.functionName, 'total', '', usd(f.amountUsd)]);
    return [
      `${prices.id} (${bill.architecture}): ${prices.source}, ${prices.date}`,
      rows.length === 0
        ? 'nothing to bill'
        : table(['FUNCTION', 'ITEM', 'QUANTITY', 'USD'], [...rows, ...totals]),
      `TOTAL ${usd(bill.totalUsd)}`,
    ].join('\n');
  });
  return [scope.title, ...sections].join('\n\n');
}

function quantity(value: number, unit: string): string {
  return unit === 'requests' ? `${value} requests` : `${value.toFixed(3)} GB-s`;
}

function usd(amount: number): string {
  return `$${amount.toFixed(10)}`;
}
