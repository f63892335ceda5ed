/**
 * @module The Deep Reader deployed on an embedded platform, as a host process drives it
 * (`lectern run`, `lectern lab fanout`): the stack applied in a state directory with the
 * results index beside it; uploads noted in the index as they are made; outcomes waited for
 * and indexed from the output bucket and the invocation records.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../logger.js';
import type { Platform } from '../../platform/platform.js';
import type { InvocationRecord } from '../../platform/records.js';
import { deployStack } from '../../platform/stack-deployer.js';
import { syncResultsIndex } from './index-sync.js';
import { type IndexedDocument, ResultsIndex } from './results-index.js';
import { type DeepReaderStackOptions, deepReaderStack } from './stack.js';

/** Options of {@link DeepReaderDeployment.open}, with their defaults. */
export interface DeploymentOptions {
  /** Keep the platform's state here. Default: a temporary directory, removed at close. */
  stateDir?: string;
  stack?: DeepReaderStackOptions;
  logger?: Logger;
}

/** One uploaded version of a document. */
export interface UploadedVersion {
  key: string;
  etag: string;
}

/** Options of {@link DeepReaderDeployment.waitForOutcomes}, with their defaults. */
export interface WaitOptions<T extends UploadedVersion> {
  /** Give up waiting after this long. Default 3,600,000 ms. */
  timeoutMs?: number;
  /** How often the output bucket is looked at. Default 200 ms. */
  pollMs?: number;
  /** Told of each version as its outcome is indexed. */
  onOutcome?: (version: T, entry: IndexedDocument) => void;
}

/** The stack running on a platform, with its results index. */
export class DeepReaderDeployment {
  readonly platform: Platform;
  readonly index: ResultsIndex;
  readonly inputBucket: string;
  readonly outputBucket: string;
  /** Only keys under it trigger the OCR function. */
  readonly uploadPrefix: string;
  readonly #temporaryDir: string | undefined;

  /** Deploys the stack; resolves once its provisioned instances have finished init. */
  static async open(options: DeploymentOptions = {}): Promise<DeepReaderDeployment> {
    // Declared first: a stack that refuses its options (an unavailable language) must not
    // leave an empty state directory behind.
    const stack = deepReaderStack(options.stack);
    const temporaryDir =
      options.stateDir === undefined ? mkdtempSync(join(tmpdir(), 'lectern-run-')) : undefined;
    const stateDir = options.stateDir ?? (temporaryDir as string);
    try {
      const { platform } = await deployStack(stack, {
        stateDir,
        ...(options.logger ? { logger: options.logger } : {}),
        dispatcher: { pollIntervalMs: 100 },
      });
      return new DeepReaderDeployment(platform, stateDir, temporaryDir, {
        inputBucket: stack.buckets[0]?.name as string,
        outputBucket: stack.buckets[1]?.name as string,
        uploadPrefix: options.stack?.uploadPrefix ?? 'uploads/',
      });
    } catch (error) {
      if (temporaryDir) rmSync(temporaryDir, { recursive: true, force: true });
      throw error;
    }
  }

  private constructor(
    platform: Platform,
    stateDir: string,
    temporaryDir: string | undefined,
    names: { inputBucket: string; outputBucket: string; uploadPrefix: string },
  ) {
    this.platform = platform;
    this.index = ResultsIndex.open(join(stateDir, 'results.db'));
    this.#temporaryDir = temporaryDir;
    this.inputBucket = names.inputBucket;
    this.outputBucket = names.outputBucket;
    this.uploadPrefix = names.uploadPrefix;
  }

  /** Puts `bytes` under `key` in the input bucket and notes the upload as queued. */
  async upload(key: string, bytes: Uint8Array): Promise<UploadedVersion> {
    const meta = await this.platform.objects.put(this.inputBucket, key, bytes);
    const uploadedAt = Date.parse(meta.lastModified);
    this.index.addUpload({ bucket: this.inputBucket, key, etag: meta.etag, uploadedAt });
    return { key, etag: meta.etag };
  }

  /** Waits until every one of `versions` has its outcome in the index, or the time is up. */
  async waitForOutcomes<T extends UploadedVersion>(
    versions: T[],
    options: WaitOptions<T> = {},
  ): Promise<void> {
    const pending = new Map(versions.map((v) => [versionKey(v), v]));
    const deadline = Date.now() + (options.timeoutMs ?? 3_600_000);
    while (pending.size > 0 && Date.now() < deadline) {
      const finished = await syncResultsIndex({
        platform: this.platform,
        index: this.index,
        outputBucket: this.outputBucket,
      });
      for (const entry of finished) {
        const version = pending.get(versionKey(entry));
        if (!version) continue;
        pending.delete(versionKey(entry));
        options.onOutcome?.(version, entry);
      }
      if (pending.size > 0) await new Promise((r) => setTimeout(r, options.pollMs ?? 200));
    }
  }

  /** The index entry of `version`, once it has one. */
  outcome(version: UploadedVersion): IndexedDocument | undefined {
    return this.index.get(this.inputBucket, version.key, version.etag);
  }

  /** The result JSON of a succeeded document. */
  async result(entry: IndexedDocument): Promise<string | undefined> {
    if (entry.status !== 'succeeded' || !entry.outputKey) return undefined;
    const { body } = await this.platform.objects.get(this.outputBucket, entry.outputKey);
    return body.toString('utf8');
  }

  /** The records of a document's invocations: its OCR invocation and all it caused. */
  invocations(entry: IndexedDocument): InvocationRecord[] {
    if (entry.requestId === undefined) return [];
    return this.platform.records.query({ rootRequestId: entry.requestId });
  }

  /** Stops the platform and closes the index; a temporary state directory is removed. */
  async close(): Promise<void> {
    this.index.close();
    await this.platform.close();
    if (this.#temporaryDir) rmSync(this.#temporaryDir, { recursive: true, force: true });
  }
}

function versionKey(version: UploadedVersion): string {
  return `${version.key}\u0000${version.etag}`;
}
