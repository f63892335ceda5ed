/**
 * @module `lectern lab <experiment>`: benchmarks and experiments of the paper. Each experiment
 * is a sub-command of `lab`, loaded only when it runs.
 */
import type { Command } from 'commander';
import { parsePositiveInteger } from '../read-options.js';

interface PlatformOptions {
  json?: boolean;
  warmSamples: number;
  coldSamples: number;
  onnxSamples: number;
  burst: number;
  seconds: number;
}

export function register(program: Command): void {
  const lab = program.command('lab').description('benchmarks and experiments of the paper');
  lab
    .command('platform')
    .description('measure the local runtime: warm overhead, cold starts, bursts, throughput')
    .option('--json', 'print the figures as one JSON object')
    .option('--warm-samples <n>', 'warm invocations measured', parsePositiveInteger, 1000)
    .option('--cold-samples <n>', 'no-op cold starts measured', parsePositiveInteger, 20)
    .option('--onnx-samples <n>', 'ONNX-init cold starts measured', parsePositiveInteger, 6)
    .option(
      '--burst <n>',
      'invocations per burst (and provisioned instances)',
      parsePositiveInteger,
      4,
    )
    .option('--seconds <n>', 'length of the throughput run', parsePositiveInteger, 3)
    .action(async (options: PlatformOptions) => {
      const { runPlatformBench } = await import('../../lab/platform-bench.js');
      const { formatPlatformBench } = await import('../../lab/platform-bench-report.js');
      const result = await runPlatformBench({
        warmSamples: options.warmSamples,
        coldSamples: options.coldSamples,
        onnxSamples: options.onnxSamples,
        burstSize: options.burst,
        throughputSeconds: options.seconds,
      });
      console.log(options.json ? JSON.stringify(result, null, 2) : formatPlatformBench(result));
    });
}
