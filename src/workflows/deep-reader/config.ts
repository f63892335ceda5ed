/**
 * @module The Deep Reader's settings as its functions see them: environment variables (as on
 * Lambda), set from the stack (stack.ts), with their defaults. Also the names of the output
 * keys and of the metadata every output carries.
 */
import { createHash } from 'node:crypto';
import type { RecognitionEngine } from '../../document/recognition/recognizer.js';
import type { TileGrid } from '../../document/tiles.js';
import { MAX_KEY_BYTES, objectKeyProblem } from '../../platform/storage/keys.js';

/** Environment variables read by the handlers. */
export const ENV = {
  outputBucket: 'LECTERN_OUTPUT_BUCKET',
  pageFunction: 'LECTERN_PAGE_FUNCTION',
  detectFunction: 'LECTERN_DETECT_FUNCTION',
  detectModel: 'LECTERN_DETECT_MODEL',
  maxPages: 'LECTERN_MAX_PAGES',
  engine: 'LECTERN_ENGINE',
  languages: 'LECTERN_LANGUAGES',
  grid: 'LECTERN_GRID',
  overlap: 'LECTERN_OVERLAP',
  throttleWaitMs: 'LECTERN_THROTTLE_WAIT_MS',
  detectConcurrency: 'LECTERN_DETECT_CONCURRENCY',
} as const;

/** What the handlers run with. */
export interface WorkflowConfig {
  /** Where results and failure records go. Default `lectern-output`. */
  outputBucket: string;
  /** Function reading one page. Default `lectern-page`. */
  pageFunction: string;
  /** Function detecting one tile. Default `lectern-detect`. */
  detectFunction: string;
  /** Path of the detection model inside the shared volume. Default `models/text-detection.onnx`. */
  detectModel: string;
  /** The page cap: a document with more pages fails with TOO_MANY_PAGES. Default 100. */
  maxPages: number;
  /** Default `onnx`, as `lectern read`. */
  engine: RecognitionEngine;
  /** Default `['eng']`. */
  languages: string[];
  /** Default 3 x 3. */
  grid: TileGrid;
  /** Tile overlap in detection pixels; default the detector's. */
  overlap?: number;
  /** How long a throttled nested invoke is retried before it fails. Default 120,000 ms. */
  throttleWaitMs: number;
  /**
   * Most detection calls a page has in flight. Default: all its tiles at once (the paper's
   * fan-out). Set it to the detection function's reserved concurrency when that is smaller
   * than the grid, so that tiles queue in the page function instead of being throttled and
   * retried with backoff (idle time on both sides).
   */
  detectConcurrency?: number;
}

/** Defaults of {@link WorkflowConfig}. */
export const WORKFLOW_DEFAULTS = {
  outputBucket: 'lectern-output',
  pageFunction: 'lectern-page',
  detectFunction: 'lectern-detect',
  detectModel: 'models/text-detection.onnx',
  maxPages: 100,
  engine: 'onnx',
  languages: ['eng'],
  grid: { rows: 3, cols: 3 },
  throttleWaitMs: 120_000,
} as const satisfies Partial<WorkflowConfig>;

/** The config from environment variables (unset ones take their default). */
export function readWorkflowConfig(env: NodeJS.ProcessEnv = process.env): WorkflowConfig {
  const overlap = env[ENV.overlap];
  return {
    outputBucket: env[ENV.outputBucket] || WORKFLOW_DEFAULTS.outputBucket,
    pageFunction: env[ENV.pageFunction] || WORKFLOW_DEFAULTS.pageFunction,
    detectFunction: env[ENV.detectFunction] || WORKFLOW_DEFAULTS.detectFunction,
    detectModel: env[ENV.detectModel] || WORKFLOW_DEFAULTS.detectModel,
    maxPages: positive(env[ENV.maxPages], WORKFLOW_DEFAULTS.maxPages),
    engine: env[ENV.engine] === 'tesseract' ? 'tesseract' : 'onnx',
    languages: env[ENV.languages]?.split(',').filter(Boolean) ?? [...WORKFLOW_DEFAULTS.languages],
    grid: parseGrid(env[ENV.grid]) ?? { ...WORKFLOW_DEFAULTS.grid },
    ...(overlap ? { overlap: Number(overlap) } : {}),
    throttleWaitMs: positive(env[ENV.throttleWaitMs], WORKFLOW_DEFAULTS.throttleWaitMs),
    ...(positive(env[ENV.detectConcurrency], 0) > 0
      ? { detectConcurrency: positive(env[ENV.detectConcurrency], 0) }
      : {}),
  };
}

/** The environment variables that give `config` (the inverse of {@link readWorkflowConfig}). */
export function workflowEnvironment(config: WorkflowConfig): Record<string, string> {
  return {
    [ENV.outputBucket]: config.outputBucket,
    [ENV.pageFunction]: config.pageFunction,
    [ENV.detectFunction]: config.detectFunction,
    [ENV.detectModel]: config.detectModel,
    [ENV.maxPages]: String(config.maxPages),
    [ENV.engine]: config.engine,
    [ENV.languages]: config.languages.join(','),
    [ENV.grid]: `${config.grid.rows}x${config.grid.cols}`,
    ...(config.overlap === undefined ? {} : { [ENV.overlap]: String(config.overlap) }),
    [ENV.throttleWaitMs]: String(config.throttleWaitMs),
    ...(config.detectConcurrency === undefined
      ? {}
      : { [ENV.detectConcurrency]: String(config.detectConcurrency) }),
  };
}

function positive(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

function parseGrid(text: string | undefined): TileGrid | undefined {
  const match = /^(\d+)x(\d+)$/.exec(text ?? '');
  if (!match) return undefined;
  return { rows: Number(match[1]), cols: Number(match[2]) };
}

/** S3 user metadata (lower-case keys, ASCII values) that every output of the workflow carries. */
export const OUTPUT_METADATA = {
  /** `result` or `failure`: marks the object as Lectern's own output. */
  kind: 'lectern-output',
  sourceBucket: 'lectern-source-bucket',
  /**
   * URI-encoded, since metadata values must be ASCII. The only place that names the source
   * of an output whose key is a hash (see {@link outputKey}). S3 caps user metadata at 2 KB:
   * a key near 1,024 bytes fits when mostly ASCII, not when mostly non-ASCII (three
   * characters per byte once encoded); the embedded store has no such cap.
   */
  sourceKey: 'lectern-source-key',
  sourceEtag: 'lectern-source-etag',
  /** Orders versions of one key: a later upload has a greater sequencer. */
  sourceSequencer: 'lectern-source-sequencer',
  /** The OCR invocation that wrote it: the root of the document's invocations. */
  requestId: 'lectern-request-id',
} as const;

/** Prefixes of the outputs in the output bucket. */
export const OUTPUT_PREFIX = { result: 'results/', failure: 'failures/' } as const;

/**
 * Source keys named by their hash, under the output prefix: the shape of {@link outputKey}'s
 * hashed names. A source key of exactly this shape is hashed as well, so that no upload's
 * plain output name can be another upload's hashed one.
 */
const HASHED_NAME = /^sha256\/[0-9a-f]{64}$/;

/**
 * The output bucket key of an upload's result or failure record: `results/<key>.json`, or
 * `results/sha256/<hex>.json` (hex: the SHA-256 of the source key in UTF-8) when the plain
 * name of either kind would pass S3's 1,024-byte limit on keys, so that both kinds of one key
 * are named alike. The source key itself is in the output's metadata (`lectern-source-key`),
 * which is what readers of the outputs go by.
 */
export function outputKey(kind: 'result' | 'failure', sourceKey: string): string {
  const longest = Math.max(...Object.values(OUTPUT_PREFIX).map((prefix) => prefix.length));
  const plainBytes = longest + Buffer.byteLength(sourceKey, 'utf8') + '.json'.length;
  if (plainBytes <= MAX_KEY_BYTES && !HASHED_NAME.test(sourceKey)) {
    return `${OUTPUT_PREFIX[kind]}${sourceKey}.json`;
  }
  const digest = createHash('sha256').update(sourceKey, 'utf8').digest('hex');
  return `${OUTPUT_PREFIX[kind]}sha256/${digest}.json`;
}

/**
 * Why an upload under `sourceKey` could not be stored or end in an outcome, by the platform's
 * own key rules (keys.ts) applied to it and to its output keys; undefined when it can. Asked
 * before an upload, so that a name that cannot be a key is that document's failure instead of
 * an INVALID_OBJECT_KEY thrown in the middle of a batch.
 */
export function uploadKeyProblem(sourceKey: string): string | undefined {
  const kinds = Object.keys(OUTPUT_PREFIX) as (keyof typeof OUTPUT_PREFIX)[];
  return (
    objectKeyProblem(sourceKey) ??
    kinds.map((kind) => objectKeyProblem(outputKey(kind, sourceKey))).find(Boolean)
  );
}
