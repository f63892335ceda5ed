/**
 * @module Price tables as data, each with its source and date. Billing (billing.ts) reads
 * nothing else, so a new table is a new entry here.
 */

/** The instruction set a function is billed for. */
export type Architecture = 'x86_64' | 'arm64';

/** Per-GB-second prices of one architecture, in USD. */
export interface ArchitecturePrices {
  /** Duration of on-demand invocations. */
  durationPerGbSecond: number;
  /** Provisioned concurrency, for the time it is configured. */
  provisionedPerGbSecond: number;
  /** Duration of invocations served by provisioned instances. */
  provisionedDurationPerGbSecond: number;
}

/** One price list. */
export interface PriceTable {
  id: string;
  /** Where the figures come from. */
  source: string;
  /** When they applied (ISO date or year-month). */
  date: string;
  /** Durations are rounded up to a multiple of this. */
  granularityMs: number;
  /** Whether the init duration of an on-demand cold start is billed as duration. */
  billsOnDemandInit: boolean;
  /** Configured provisioned concurrency is rounded up to a multiple of this. */
  provisionedGranularityMs: number;
  requestsPerMillion: number;
  architectures: Partial<Record<Architecture, ArchitecturePrices>>;
  /**
   * Price of one granule of on-demand duration by memory size (MB), where the source lists
   * one; other sizes are priced at `durationPerGbSecond`.
   */
  durationPerGranuleByMemoryMb?: Record<number, number>;
}

/** The paper's table: per 100 ms by memory size, x86 only (arm64 Lambda came in 2021). */
export const AWS_2020_PAPER: PriceTable = {
  id: 'aws-2020',
  source:
    "The paper's AWS Lambda table (per 100 ms by memory size; $0.0000166667 per GB-second " +
    'for other sizes); provisioned concurrency at its December 2019 launch prices',
  date: '2020',
  granularityMs: 100,
  billsOnDemandInit: false,
  provisionedGranularityMs: 300_000,
  requestsPerMillion: 0.2,
  architectures: {
    x86_64: {
      durationPerGbSecond: 0.0000166667,
      provisionedPerGbSecond: 0.0000041667,
      provisionedDurationPerGbSecond: 0.0000097222,
    },
  },
  durationPerGranuleByMemoryMb: {
    128: 0.0000002083,
    512: 0.0000008333,
    1024: 0.0000016667,
    1536: 0.0000025,
    2048: 0.0000033333,
    3008: 0.0000048958,
  },
};

/**
 * Today's AWS Lambda prices, us-east-1, at 1 ms. The arm64 provisioned-duration price
 * ($0.0000077778) is from AWS's pricing page; the issue lists only the x86 one.
 */
export const AWS_2026: PriceTable = {
  id: 'aws-2026',
  source: 'AWS Lambda pricing, https://aws.amazon.com/lambda/pricing/, us-east-1',
  date: '2026-12',
  granularityMs: 1,
  billsOnDemandInit: true,
  provisionedGranularityMs: 300_000,
  requestsPerMillion: 0.2,
  architectures: {
    x86_64: {
      durationPerGbSecond: 0.0000166667,
      provisionedPerGbSecond: 0.0000041667,
      provisionedDurationPerGbSecond: 0.0000097222,
    },
    arm64: {
      durationPerGbSecond: 0.0000133334,
      provisionedPerGbSecond: 0.0000033334,
      provisionedDurationPerGbSecond: 0.0000077778,
    },
  },
};

/** Every table by id. */
export const PRICE_TABLES: Readonly<Record<string, PriceTable>> = {
  [AWS_2020_PAPER.id]: AWS_2020_PAPER,
  [AWS_2026.id]: AWS_2026,
};
