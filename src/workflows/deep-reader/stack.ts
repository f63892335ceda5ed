/**
 * @module The Deep Reader deployment, declared once (the paper's Fig. 4): an upload into the
 * input bucket triggers the OCR function; it fans a document's pages out to the page function,
 * which fans each page's tiles out to the detection function; results go to the output bucket.
 * The embedded platform applies this declaration (platform/stack-deployer.ts); the AWS CDK app
 * is to read the same one.
 *
 * Concurrency: every level waits on the level below it, so each has its own reserved
 * concurrency. Capacity held by waiting OCR or page instances can then never be the capacity
 * detection needs: a burst queues at the top (throttled asynchronous events wait and retry)
 * instead of deadlocking in the middle.
 */
import { join } from 'node:path';
import { ModelAsset, modelAssetPath } from '../../document/onnx-session.js';
import { validateLanguages } from '../../document/recognition/languages.js';
import type { FunctionSpec } from '../../platform/function.js';
import { packageRoot } from '../../platform/runtime/host-path.js';
import type { Stack } from '../../platform/stack.js';
import { WORKFLOW_DEFAULTS, type WorkflowConfig, workflowEnvironment } from './config.js';

/** Sizing of one function. */
export interface FunctionSizing {
  memoryMb: number;
  reservedConcurrency: number;
  provisionedConcurrency?: number;
}

/** Options of {@link deepReaderStack}, each with its default. */
export interface DeepReaderStackOptions extends Partial<WorkflowConfig> {
  /** Default `lectern-input`. */
  inputBucket?: string;
  /** Only keys under this prefix trigger the OCR function. Default `uploads/`. */
  uploadPrefix?: string;
  /** Default 1,536 MB (PDF rendering), 2 reserved. */
  ocr?: FunctionSizing;
  /** Default 2,048 MB (recognizer and a page raster), 2 reserved. */
  page?: FunctionSizing;
  /**
   * Default 1,024 MB, 9 reserved and 9 provisioned: one page's 3 x 3 fan-out finds warm
   * instances, and its reservation keeps detection able to run whatever waits above it.
   */
  detect?: FunctionSizing;
  /** Directory of the compiled handlers. Default dist/workflows/deep-reader of this package. */
  handlerDir?: string;
  /** Replaces one function's handler module (absolute path), e.g. to isolate it in a test. */
  handlers?: Partial<Record<'ocr' | 'page' | 'detect', string>>;
}

/** Function timeouts: Lambda's 15-minute maximum for the document, less below it. */
const TIMEOUTS = { ocr: 900_000, page: 300_000, detect: 60_000 } as const;

/**
 * The Deep Reader stack. Throws INVALID_OPTION for an unknown language and
 * LANGUAGE_NOT_AVAILABLE for one whose Tesseract data is not installed: checked here, before
 * anything deploys, since the page function would otherwise fail its init on every document.
 */
export function deepReaderStack(options: DeepReaderStackOptions = {}): Stack {
  const defined = { ...WORKFLOW_DEFAULTS, ...definedOnly(options) } as WorkflowConfig;
  const config = { ...defined, languages: validateLanguages(defined.languages) };
  const inputBucket = options.inputBucket ?? 'lectern-input';
  const handlerDir = options.handlerDir ?? join(packageRoot(), 'dist', 'workflows', 'deep-reader');
  const environment = workflowEnvironment(config);
  const spec = (name: string, file: string, sizing: FunctionSizing, timeoutMs: number) =>
    ({
      name,
      handler: options.handlers?.[file.split('.')[0] as 'ocr'] ?? join(handlerDir, file),
      timeoutMs,
      environment,
      ...sizing,
    }) satisfies FunctionSpec;

  return {
    name: 'lectern-deep-reader',
    buckets: [
      { name: inputBucket, description: 'uploaded documents' },
      { name: config.outputBucket, description: 'results and failure records' },
    ],
    functions: [
      {
        ...spec('lectern-ocr', 'ocr.handler.js', options.ocr ?? DEFAULT_SIZING.ocr, TIMEOUTS.ocr),
        // The handler records every document failure itself; a retry only helps when the
        // instance died (timeout, out of memory), and a second one rarely does.
        retryAttempts: 1,
      },
      spec(
        config.pageFunction,
        'page.handler.js',
        options.page ?? DEFAULT_SIZING.page,
        TIMEOUTS.page,
      ),
      spec(
        config.detectFunction,
        'detect.handler.js',
        options.detect ?? DEFAULT_SIZING.detect,
        TIMEOUTS.detect,
      ),
    ],
    triggers: [
      {
        id: 'lectern-upload',
        bucket: inputBucket,
        functionName: 'lectern-ocr',
        events: ['s3:ObjectCreated:*'],
        prefix: options.uploadPrefix ?? 'uploads/',
      },
    ],
    volume: {
      seeds: [{ path: config.detectModel, source: modelAssetPath(ModelAsset.detection) }],
    },
  };
}

/** The sizing of each function when the options name none. */
export const DEFAULT_SIZING = {
  ocr: { memoryMb: 1536, reservedConcurrency: 2 },
  page: { memoryMb: 2048, reservedConcurrency: 2 },
  detect: { memoryMb: 1024, reservedConcurrency: 9, provisionedConcurrency: 9 },
} as const satisfies Record<'ocr' | 'page' | 'detect', FunctionSizing>;

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
