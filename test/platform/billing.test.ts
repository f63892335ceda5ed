import { describe, expect, it } from 'vitest';
import {
  bill,
  billedDurationMs,
  invocationCostUsd,
  requestCost,
} from '../../src/platform/billing.js';
import { AWS_2020_PAPER, AWS_2026 } from '../../src/platform/prices.js';
import {
  type InvocationRecord,
  InvocationRecords,
  type ProvisionedPeriod,
} from '../../src/platform/records.js';

function record(fields: Partial<InvocationRecord>): InvocationRecord {
  return {
    requestId: 'r',
    runId: 'run',
    functionName: 'ocr',
    invocationType: 'RequestResponse',
    rootRequestId: 'r',
    startTime: 0,
    durationMs: 0,
    billedDurationMs: 0,
    memorySizeMb: 512,
    payloadInBytes: 0,
    payloadOutBytes: 0,
    outcome: 'success',
    startType: 'warm',
    ...fields,
  };
}

const warm120 = record({ durationMs: 120.3 });
const cold50 = record({ durationMs: 50, initDurationMs: 300, startType: 'cold' });

describe('billedDurationMs', () => {
  it('rounds up to 100 ms under the 2020 table and leaves init unbilled', () => {
    expect(billedDurationMs(warm120, AWS_2020_PAPER)).toBe(200);
    expect(billedDurationMs(record({ durationMs: 100 }), AWS_2020_PAPER)).toBe(100);
    expect(billedDurationMs(record({ durationMs: 0.2 }), AWS_2020_PAPER)).toBe(100);
    expect(billedDurationMs(cold50, AWS_2020_PAPER)).toBe(100);
  });

  it('rounds up to 1 ms today and bills the init of an on-demand cold start', () => {
    expect(billedDurationMs(warm120, AWS_2026)).toBe(121);
    expect(billedDurationMs(record({ durationMs: 0.03 }), AWS_2026)).toBe(1);
    expect(billedDurationMs(cold50, AWS_2026)).toBe(350);
  });

  it('bills nothing for a throttled invocation', () => {
    expect(billedDurationMs(record({ outcome: 'throttled', durationMs: 0 }), AWS_2026)).toBe(0);
  });
});

describe('invocationCostUsd', () => {
  it('uses the per-100 ms price of a size the 2020 table lists', () => {
    expect(invocationCostUsd(warm120, AWS_2020_PAPER)).toBeCloseTo(
      0.0000002 + 2 * 0.0000008333,
      15,
    );
    expect(
      invocationCostUsd(record({ memorySizeMb: 3008, durationMs: 1000 }), AWS_2020_PAPER),
    ).toBeCloseTo(0.0000002 + 10 * 0.0000048958, 15);
  });

  it('prices a size outside the 2020 table per GB-second', () => {
    const cost = invocationCostUsd(record({ memorySizeMb: 1000, durationMs: 250 }), AWS_2020_PAPER);
    expect(cost).toBeCloseTo(0.0000002 + (1000 / 1024) * 0.3 * 0.0000166667, 15);
  });

  it('prices today by the GB-second, lower on arm64', () => {
    expect(invocationCostUsd(cold50, AWS_2026)).toBeCloseTo(
      0.0000002 + 0.5 * 0.35 * 0.0000166667,
      15,
    );
    expect(invocationCostUsd(cold50, AWS_2026, 'arm64')).toBeCloseTo(
      0.0000002 + 0.5 * 0.35 * 0.0000133334,
      15,
    );
  });

  it('refuses arm64 under the 2020 table, which has no arm64 prices', () => {
    expect(() => invocationCostUsd(warm120, AWS_2020_PAPER, 'arm64')).toThrow(
      /aws-2020 has no prices for architecture arm64/,
    );
  });
});

describe('bill', () => {
  const provisionedRun = [
    record({
      functionName: 'detect',
      memorySizeMb: 1024,
      durationMs: 950.5,
      startType: 'provisioned',
    }),
    record({
      functionName: 'detect',
      memorySizeMb: 1024,
      durationMs: 950.5,
      startType: 'provisioned',
    }),
    record({ functionName: 'ocr', durationMs: 120.3 }),
    record({ functionName: 'ocr', outcome: 'throttled', startType: undefined }),
  ];
  const period: ProvisionedPeriod = {
    runId: 'run',
    functionName: 'detect',
    memorySizeMb: 1024,
    instances: 2,
    startTime: 0,
    endTime: 600_000,
  };

  it('shows provisioned concurrency as its own line beside requests and durations', () => {
    const result = bill(provisionedRun, [period], { table: AWS_2026 });

    const detect = result.lines.filter((line) => line.functionName === 'detect');
    expect(detect.map((line) => line.item)).toEqual([
      'requests',
      'provisioned-duration',
      'provisioned-concurrency',
    ]);
    expect(detect[1]?.quantity).toBeCloseTo(2 * 0.951, 12);
    expect(detect[1]?.amountUsd).toBeCloseTo(2 * 0.951 * 0.0000097222, 15);
    expect(detect[2]).toMatchObject({ unit: 'GB-s', quantity: 1200 });
    expect(detect[2]?.amountUsd).toBeCloseTo(1200 * 0.0000041667, 12);
  });

  it('counts requests but not throttles, and totals per function and per run', () => {
    const result = bill(provisionedRun, [period], { table: AWS_2026 });

    const ocr = result.lines.filter((line) => line.functionName === 'ocr');
    expect(ocr).toEqual([
      {
        functionName: 'ocr',
        item: 'requests',
        quantity: 1,
        unit: 'requests',
        amountUsd: expect.closeTo(0.0000002, 15),
      },
      expect.objectContaining({ item: 'duration', quantity: 0.5 * 0.121 }),
    ]);
    const detectTotal = result.functions.find((f) => f.functionName === 'detect')?.amountUsd ?? 0;
    const ocrTotal = result.functions.find((f) => f.functionName === 'ocr')?.amountUsd ?? 0;
    expect(result.totalUsd).toBeCloseTo(detectTotal + ocrTotal, 15);
    expect(ocrTotal).toBeCloseTo(0.0000002 + 0.0605 * 0.0000166667, 15);
  });

  it('rounds provisioned durations to 100 ms under the 2020 table', () => {
    const result = bill(provisionedRun, [period], { table: AWS_2020_PAPER });

    const line = result.lines.find((l) => l.item === 'provisioned-duration');
    expect(line?.quantity).toBeCloseTo(2 * 1.0, 12);
    expect(result.priceTable).toBe('aws-2020');
  });

  it('rounds configured provisioned time up to 5 minutes and bills open periods until `until`', () => {
    const open: ProvisionedPeriod = { ...period, instances: 1, endTime: undefined };

    const result = bill([], [open], { until: 301_000 });

    expect(result.lines).toEqual([
      expect.objectContaining({ item: 'provisioned-concurrency', quantity: 600 }),
    ]);
    expect(() => bill([], [open])).toThrow(/still open/);
  });
});

describe('requestCost', () => {
  // Two documents. Document a: its ocr invocation (cold) calls detect twice (d1 failed once and
  // ran again under the same id; d2 on a provisioned instance); d1 calls x; d2 started g, which
  // names itself as root but d2 as parent. Document b is unrelated. All 1,024 MB.
  const gb = (fields: Partial<InvocationRecord>) => record({ memorySizeMb: 1024, ...fields });
  const documentA = [
    gb({
      requestId: 'a',
      rootRequestId: 'a',
      startType: 'cold',
      durationMs: 100,
      initDurationMs: 300,
    }),
    gb({
      requestId: 'd1',
      parentRequestId: 'a',
      rootRequestId: 'a',
      durationMs: 50,
      outcome: 'error',
    }),
    gb({ requestId: 'd1', parentRequestId: 'a', rootRequestId: 'a', durationMs: 50 }),
    gb({
      requestId: 'd2',
      parentRequestId: 'a',
      rootRequestId: 'a',
      durationMs: 200,
      startType: 'provisioned',
    }),
    gb({ requestId: 'x', parentRequestId: 'd1', rootRequestId: 'a', durationMs: 10 }),
    gb({ requestId: 'g', parentRequestId: 'd2', rootRequestId: 'g', durationMs: 40 }),
  ];
  const documentB = [
    gb({ requestId: 'b', rootRequestId: 'b', durationMs: 5000 }),
    gb({ requestId: 'e1', parentRequestId: 'b', rootRequestId: 'b', durationMs: 5000 }),
  ];

  function stored(): InvocationRecords {
    const records = InvocationRecords.open(':memory:');
    for (const [index, item] of [...documentA, ...documentB].entries()) {
      records.add({ ...item, startTime: index });
    }
    return records;
  }

  it("sums the invocations a document's root request caused, retries included, under today's table", () => {
    const records = stored();

    const cost = requestCost(records, 'a', { table: AWS_2026 });

    expect(cost.invocations).toBe(6);
    // a bills its init today: 400 ms; d1 twice 50 ms; x 10 ms; g 40 ms; d2 200 ms provisioned.
    const onDemandGbS = 0.4 + 0.05 + 0.05 + 0.01 + 0.04;
    expect(cost.bill.totalUsd).toBeCloseTo(
      6 * 0.0000002 + onDemandGbS * 0.0000166667 + 0.2 * 0.0000097222,
      15,
    );
    expect(cost.bill.lines.some((line) => line.item === 'provisioned-concurrency')).toBe(false);
    records.close();
  });

  it('prices the same tree per 100 ms under the 2020 table, init unbilled', () => {
    const records = stored();

    const cost = requestCost(records, 'a', { table: AWS_2020_PAPER });

    // a, d1, d1, x, g: one 100 ms granule each at 1,024 MB.
    expect(cost.bill.totalUsd).toBeCloseTo(
      6 * 0.0000002 + 5 * 0.0000016667 + 0.2 * 0.0000097222,
      15,
    );
    records.close();
  });

  it('costs a request inside the tree with only what it caused', () => {
    const records = stored();

    const cost = requestCost(records, 'd1', { table: AWS_2026 });

    expect(cost.invocations).toBe(3);
    expect(cost.bill.totalUsd).toBeCloseTo(3 * 0.0000002 + 0.11 * 0.0000166667, 15);
    expect(requestCost(records, 'unknown').invocations).toBe(0);
    records.close();
  });
});
