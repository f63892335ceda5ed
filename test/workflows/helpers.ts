import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { describePage } from '../../src/lab/fanout-page.js';
import type { Platform } from '../../src/platform/platform.js';
import { deployStack } from '../../src/platform/stack-deployer.js';
import { FsObjectStore } from '../../src/platform/storage/fs-object-store.js';
import {
  type DeepReaderStackOptions,
  deepReaderStack,
} from '../../src/workflows/deep-reader/stack.js';

/** The shared cases folder beside the repository (absent outside the lab: tests skip). */
export const CASES = fileURLToPath(new URL('../../../shared/cases/', import.meta.url));
export const SROIE = fileURLToPath(new URL('../../../shared/data/sroie/', import.meta.url));

/** A page function that fans tiles out to the real detection function, without recognition. */
export const DETECT_ONLY_PAGE = fileURLToPath(
  new URL('./fixtures/detect-only-page.mjs', import.meta.url),
);

export interface TestStack {
  platform: Platform;
  stateDir: string;
  /** The same buckets, written without notifications: replayed events stay the only trigger. */
  quiet: FsObjectStore;
}

const open: TestStack[] = [];

afterEach(async () => {
  for (const stack of open.splice(0)) {
    await stack.platform.close();
    rmSync(stack.stateDir, { recursive: true, force: true });
  }
});

/** Small sizings, so that a test deploys in a second or two on a 2-core machine. */
export const SMALL: DeepReaderStackOptions = {
  ocr: { memoryMb: 1024, reservedConcurrency: 2 },
  page: { memoryMb: 1024, reservedConcurrency: 2 },
  detect: { memoryMb: 512, reservedConcurrency: 3 },
};

/** Deploys the Deep Reader in a fresh state directory, closed after the test. */
export async function openTestStack(options: DeepReaderStackOptions = {}): Promise<TestStack> {
  const stateDir = mkdtempSync(join(tmpdir(), 'lectern-workflow-'));
  const { platform } = await deployStack(deepReaderStack({ ...SMALL, ...options }), {
    stateDir,
    dispatcher: { pollIntervalMs: 50 },
  });
  const stack = { platform, stateDir, quiet: new FsObjectStore(join(stateDir, 'buckets')) };
  open.push(stack);
  return stack;
}

/** The invocations of one S3 event file: `{Records}` or `{invocations: [{Records}...]}`. */
export function caseEvents(name: string): unknown[] {
  const parsed = JSON.parse(readFileSync(join(CASES, 'events', name), 'utf8')) as {
    invocations?: unknown[];
  };
  return parsed.invocations ?? [parsed];
}

/** How many tiles the detection plan cuts the page of `file` into (default 3 x 3 grid). */
export async function plannedTiles(file: string): Promise<number> {
  return (await describePage(readFileSync(file), file, { rows: 3, cols: 3 })).tiles;
}
