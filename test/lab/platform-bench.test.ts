import { describe, expect, it } from 'vitest';
import { runPlatformBench } from '../../src/lab/platform-bench.js';
import { formatPlatformBench } from '../../src/lab/platform-bench-report.js';

describe('runPlatformBench', () => {
  it('measures every figure and shows provisioned bursts free of cold starts', async () => {
    const result = await runPlatformBench({
      warmSamples: 20,
      coldSamples: 2,
      onnxSamples: 1,
      burstSize: 2,
      throughputSeconds: 0.2,
    });

    expect(result.warmOverheadMs.samples).toBe(20);
    expect(result.warmOverheadMs.median).toBeGreaterThan(0);
    expect(result.coldStartMs.samples).toBe(2);
    expect(result.coldInitMs.median).toBeGreaterThan(0);
    expect(result.onnxColdStartMs.samples).toBe(1);
    expect(result.burst.provisioned).toMatchObject({
      coldStarts: 0,
      startTypes: { provisioned: 2 },
    });
    expect(result.burst.onDemand).toMatchObject({ coldStarts: 2, startTypes: { cold: 2 } });
    expect(result.throughput.invocations).toBeGreaterThan(0);
    expect(formatPlatformBench(result)).toContain('warm overhead (no-op)');
  });
});
