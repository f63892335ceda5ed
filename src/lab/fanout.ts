/**
 * @module `lectern lab fanout`: the latency of one page, upload to result, warm, read three
 * ways: through the Deep Reader stack with one detection instance provisioned per tile (the
 * 3 x 3 fan-out as deployed), through the same stack with detection held to a single instance
 * (reserved concurrency 1: the page's tiles queue for it, throttled calls retried), and on
 * premise (the worker pool of `lectern run --on-premise`, no platform). All three stay up for
 * the whole run, so every round after the warm-up is warm and the rounds can be interleaved.
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import type { RecognitionEngine } from '../document/recognition/recognizer.js';
import type { TileGrid } from '../document/tiles.js';
import { handlerTimeMs, platformOverheadMs, type Span } from '../platform/overhead.js';
import type { InvocationRecord } from '../platform/records.js';
import { packageRoot } from '../platform/runtime/host-path.js';
import { WORKFLOW_DEFAULTS } from '../workflows/deep-reader/config.js';
import { DeepReaderDeployment } from '../workflows/deep-reader/deployment.js';
import { OnPremiseReader } from '../workflows/deep-reader/on-premise.js';
import {
  DEFAULT_SIZING,
  type DeepReaderStackOptions,
  type FunctionSizing,
} from '../workflows/deep-reader/stack.js';
import { LabError } from './errors.js';
import { describePage } from './fanout-page.js';
import {
  FANOUT_VARIANTS,
  type FanoutResult,
  type FanoutVariant,
  type PlannedRound,
  type RoundSample,
  roundPlan,
  summariseVariant,
} from './fanout-report.js';
import { hostInfo } from './host.js';

/** The page measured when none is given: a scanned invoice shipped with Lectern. */
export const DEFAULT_FANOUT_PAGE = join(
  packageRoot(),
  'samples',
  'invoices',
  'i2d_AmazonWebServices.png',
);

/** Options of {@link runFanoutLab}, with their defaults. */
export interface FanoutOptions {
  /** An image (or a one-page scan) to read. Default {@link DEFAULT_FANOUT_PAGE}. */
  file?: string;
  /** Measured rounds per variant. Default 5. */
  rounds?: number;
  /** Recognition and tiling, as `lectern run` takes them. Default onnx, eng, 3 x 3. */
  config?: { engine?: RecognitionEngine; languages?: string[]; grid?: TileGrid };
  /** Replaces handlers of both stacks (a test's lighter page function). */
  handlers?: DeepReaderStackOptions['handlers'];
  /** Told of each round as it ends, warm-up rounds included. */
  onRound?: (round: PlannedRound, sample: RoundSample) => void;
}

/** Runs the experiment; every deployment and the pool are closed however it ends. */
export async function runFanoutLab(options: FanoutOptions = {}): Promise<FanoutResult> {
  const file = options.file ?? DEFAULT_FANOUT_PAGE;
  const rounds = options.rounds ?? 5;
  const config = { ...WORKFLOW_DEFAULTS, ...options.config };
  const bytes = await readFile(file);
  const page = await describePage(bytes, file, config.grid);
  const sizings = detectSizings(page.tiles);
  const readers = new Readers();
  try {
    for (const variant of ['fan-out', 'single-detect'] as const) {
      readers.deployments.set(
        variant,
        await DeepReaderDeployment.open({
          stack: {
            ...config,
            // One instance takes the tiles in turn: the page function queues them rather
            // than having them throttled and retried with backoff.
            ...(variant === 'single-detect' ? { detectConcurrency: 1 } : {}),
            detect: sizings[variant],
            ...(options.handlers ? { handlers: options.handlers } : {}),
          },
        }),
      );
    }
    readers.onPremise = await OnPremiseReader.start({ config });
    const samples = new Map<FanoutVariant, RoundSample[]>(FANOUT_VARIANTS.map((v) => [v, []]));
    for (const planned of roundPlan(FANOUT_VARIANTS, rounds)) {
      const sample = await readers.measure(planned, bytes, file);
      if (!planned.warmUp) samples.get(planned.variant)?.push(sample);
      options.onRound?.(planned, sample);
    }
    return {
      date: new Date().toISOString(),
      host: hostInfo(),
      page,
      rounds,
      variants: FANOUT_VARIANTS.map((variant) =>
        summariseVariant(variant, setupOf(variant, sizings), samples.get(variant) ?? []),
      ),
    };
  } finally {
    await readers.close();
  }
}

/** Detection provisioned for every tile at once, and detection through one instance. */
function detectSizings(tiles: number): Record<'fan-out' | 'single-detect', FunctionSizing> {
  const { memoryMb } = DEFAULT_SIZING.detect;
  return {
    'fan-out': { memoryMb, reservedConcurrency: tiles, provisionedConcurrency: tiles },
    'single-detect': { memoryMb, reservedConcurrency: 1, provisionedConcurrency: 1 },
  };
}

function setupOf(
  variant: FanoutVariant,
  sizings: Record<'fan-out' | 'single-detect', FunctionSizing>,
): string {
  if (variant === 'on-premise') {
    return `lectern run --on-premise: ${availableParallelism()} detector threads, no platform`;
  }
  const { memoryMb, reservedConcurrency, provisionedConcurrency } = sizings[variant];
  const turn = variant === 'single-detect' ? ', tiles one at a time' : '';
  return `${WORKFLOW_DEFAULTS.detectFunction} ${memoryMb} MB, reserved ${reservedConcurrency}, provisioned ${provisionedConcurrency}${turn}`;
}

/** The three ways of reading the page, open side by side. */
class Readers {
  readonly deployments = new Map<FanoutVariant, DeepReaderDeployment>();
  onPremise: OnPremiseReader | undefined;

  /** Reads the page once the way `planned` says. */
  async measure(planned: PlannedRound, bytes: Uint8Array, file: string): Promise<RoundSample> {
    const deployment = this.deployments.get(planned.variant);
    if (deployment) return platformRound(deployment, planned, bytes, file);
    const started = performance.now();
    await this.onPremise?.read(bytes, file);
    return { latencyMs: performance.now() - started };
  }

  async close(): Promise<void> {
    await this.onPremise?.close();
    for (const deployment of this.deployments.values()) await deployment.close();
  }
}

/** Uploads the page under a key of its own (a new document each time) and waits for it. */
async function platformRound(
  deployment: DeepReaderDeployment,
  planned: PlannedRound,
  bytes: Uint8Array,
  file: string,
): Promise<RoundSample> {
  const key = `${deployment.uploadPrefix}lab/round-${planned.round}-${basename(file)}`;
  const version = await deployment.upload(key, bytes);
  await deployment.waitForOutcomes([version], { pollMs: 50, timeoutMs: 600_000 });
  const entry = deployment.outcome(version);
  if (entry?.status !== 'succeeded' || entry.finishedAt === undefined) {
    const reason = entry?.errorCode ? `${entry.errorCode}: ${entry.errorMessage}` : 'no outcome';
    throw new LabError('ROUND_FAILED', `${planned.variant}, round ${planned.round}: ${reason}`, {
      file,
    });
  }
  const records = deployment.invocations(entry);
  const detect = records.filter((r) => r.functionName === WORKFLOW_DEFAULTS.detectFunction);
  const wall = detectionWall(detect);
  return {
    latencyMs: entry.finishedAt - entry.uploadedAt,
    overheadMs: platformOverheadMs(records, { start: entry.uploadedAt, end: entry.finishedAt }),
    detectInvocations: detect.filter((r) => r.outcome !== 'throttled').length,
    throttles: detect.filter((r) => r.outcome === 'throttled').length,
    detectWallMs: wall.end - wall.start,
    detectBusyMs: handlerTimeMs(detect, wall),
    coldStarts: records.filter((r) => r.startType === 'cold').length,
  };
}

/** From the first detection call (throttled or not) to the last answer. */
function detectionWall(detect: InvocationRecord[]): Span {
  if (detect.length === 0) return { start: 0, end: 0 };
  return {
    start: Math.min(...detect.map((r) => r.startTime)),
    end: Math.max(...detect.map((r) => r.endTime ?? r.startTime + r.durationMs)),
  };
}
