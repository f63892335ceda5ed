/**
 * @module `lectern lab <experiment>`: benchmarks and experiments of the paper. Each experiment
 * is a sub-command of `lab`, loaded only when it runs.
 */
import type { Command } from 'commander';
import type { RecognitionEngine } from '../../document/recognition/recognizer.js';
import { addReadingOptions, parsePositiveInteger } from '../read-options.js';

interface PlatformOptions {
  json?: boolean;
  warmSamples: number;
  coldSamples: number;
  onnxSamples: number;
  burst: number;
  seconds: number;
}

interface FanoutCommandOptions {
  json?: boolean;
  rounds: number;
  engine: RecognitionEngine;
  lang?: string[];
  tiles?: { rows: number; cols: number };
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
  const fanout = lab
    .command('fanout')
    .description(
      'latency of one page: tiles fanned out to detection instances, one detection instance, on premise',
    )
    .argument('[image]', 'the page: an image or a one-page scan (default: a shipped invoice)')
    .option('--rounds <n>', 'measured rounds per variant, after a warm-up', parsePositiveInteger, 5)
    .option('--json', 'print the figures as one JSON object');
  addReadingOptions(fanout).action(
    async (image: string | undefined, options: FanoutCommandOptions) => {
      const { runFanoutLab } = await import('../../lab/fanout.js');
      const { formatFanout } = await import('../../lab/fanout-report.js');
      const result = await runFanoutLab({
        ...(image ? { file: image } : {}),
        rounds: options.rounds,
        config: {
          engine: options.engine,
          ...(options.lang ? { languages: options.lang } : {}),
          ...(options.tiles ? { grid: options.tiles } : {}),
        },
        onRound: (planned, sample) =>
          process.stderr.write(
            `${planned.variant} ${planned.warmUp ? 'warm-up' : `round ${planned.round}`}: ${Math.round(sample.latencyMs)} ms\n`,
          ),
      });
      console.log(options.json ? JSON.stringify(result, null, 2) : formatFanout(result));
    },
  );
}
