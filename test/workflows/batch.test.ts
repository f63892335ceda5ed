import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type BatchRunOptions,
  runBatch,
  uploadKeys,
} from '../../src/workflows/deep-reader/batch-run.js';
import { ResultsIndex } from '../../src/workflows/deep-reader/results-index.js';
import { CASES, DETECT_ONLY_PAGE, plannedTiles, SMALL } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('upload keys of a batch', () => {
  it('keep each file’s path below the folder holding them all, under the prefix', () => {
    expect(uploadKeys(['/data/a/000.jpg', '/data/b/000.jpg', '/data/c.pdf'], 'uploads/')).toEqual([
      'uploads/a/000.jpg',
      'uploads/b/000.jpg',
      'uploads/c.pdf',
    ]);
  });
});

describe.skipIf(!existsSync(CASES))('a batch on the embedded platform', () => {
  it('ends every upload in one outcome and indexes each with its invocations and cost', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'lectern-batch-'));
    dirs.push(stateDir);
    const files = [join(CASES, 'c36-duplicate-delivery.jpg'), join(CASES, 'c20-empty.jpg')];
    const seen: string[] = [];

    const { documents, summary } = await runBatch(files, {
      stateDir,
      stack: { ...SMALL, handlers: { page: DETECT_ONLY_PAGE } },
      onOutcome: (file) => seen.push(file),
      pollMs: 50,
    });

    expect(seen.sort()).toEqual([...files].sort());
    expect(documents.map((d) => d.entry?.status)).toEqual(['succeeded', 'failed']);
    expect(documents[1]?.entry).toMatchObject({ errorCode: 'EMPTY_DOCUMENT' });
    expect(JSON.parse(documents[0]?.result ?? '{}').pages).toHaveLength(1);
    expect(summary).toMatchObject({ documents: 2, pages: 1, succeeded: 1, failed: 1 });
    expect(summary.failures).toEqual({ EMPTY_DOCUMENT: 1 });
    // One OCR invocation per upload, one page invocation, one per tile.
    const tiles = await plannedTiles(files[0] as string);
    expect(summary.invocations).toBe(2 + 1 + tiles);

    const index = ResultsIndex.open(join(stateDir, 'results.db'));
    try {
      const [receipt] = index.list({ status: 'succeeded' });
      expect(receipt).toMatchObject({ key: 'uploads/c36-duplicate-delivery.jpg', pages: 1 });
      expect(receipt?.invocations).toBe(2 + tiles);
      expect(receipt?.coldStarts).toBeGreaterThan(0);
      expect(receipt?.cost2020Usd).toBeGreaterThan(0);
      expect(receipt?.cost2026Usd).toBeGreaterThan(0);
      expect(receipt?.stages.decode).toBeGreaterThan(0);
      expect(receipt?.queueWaitMs).toBeGreaterThanOrEqual(0);
      expect(index.list({ status: 'failed' }).map((d) => d.errorCode)).toEqual(['EMPTY_DOCUMENT']);
    } finally {
      index.close();
    }
  });

  it('counts a document with a truncated page as partial, naming its file, with its result', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'lectern-batch-'));
    dirs.push(stateDir);
    const truncated = join(CASES, 'c24-truncated-45pct.jpg');
    const whole = join(CASES, 'c36-duplicate-delivery.jpg');

    const { documents, summary } = await runBatch([truncated, whole], {
      stateDir,
      stack: { ...SMALL, handlers: { page: DETECT_ONLY_PAGE } },
      pollMs: 50,
    });

    expect(summary).toMatchObject({ documents: 2, succeeded: 1, partial: 1, failed: 0 });
    expect(summary.partialDocuments).toEqual([truncated]);
    expect(documents[0]?.entry).toMatchObject({ status: 'succeeded', partialPages: [1] });
    expect(documents[1]?.entry?.partialPages).toBeUndefined();
    const result = JSON.parse(documents[0]?.result ?? '{}');
    expect(result.warnings).toEqual([expect.stringContaining('page 1: only partly decoded')]);
  });

  it('takes the outcomes recorded for the same bytes when run again on its state, without reading again', async () => {
    // This second run used to wait for ever: the duplicate uploads got no new outcome.
    const stateDir = temporaryDir();
    const files = [join(CASES, 'c36-duplicate-delivery.jpg'), join(CASES, 'c20-empty.jpg')];
    const options: BatchRunOptions = {
      stateDir,
      stack: { ...SMALL, handlers: { page: DETECT_ONLY_PAGE } },
      pollMs: 50,
    };
    const first = await runBatch(files, options);
    const seen: string[] = [];

    const second = await runBatch(files, { ...options, onOutcome: (file) => seen.push(file) });

    expect(seen.sort()).toEqual([...files].sort());
    expect(second.documents.map((d) => [d.reused, d.entry?.status])).toEqual([
      [true, 'succeeded'],
      [true, 'failed'],
    ]);
    expect(second.documents[0]?.result).toBe(first.documents[0]?.result);
    expect(second.summary).toMatchObject({
      documents: 2,
      succeeded: 1,
      failed: 1,
      failedDocuments: [{ document: files[1], code: 'EMPTY_DOCUMENT' }],
      reused: 2,
      reusedDocuments: files,
    });
    // The OCR function only screened each duplicate out: no page nor detection invocation.
    expect(second.summary.invocations).toBe(2);
  }, 120_000);

  it('reads a file again once its bytes change, and again when the earlier bytes come back', async () => {
    const stateDir = temporaryDir();
    const file = join(temporaryDir(), 'receipt.jpg');
    const options: BatchRunOptions = {
      stateDir,
      stack: { ...SMALL, handlers: { page: DETECT_ONLY_PAGE } },
      pollMs: 50,
    };
    copyFileSync(join(CASES, 'c36-duplicate-delivery.jpg'), file);
    await runBatch([file], options);

    writeFileSync(file, '');
    const changed = await runBatch([file], options);
    copyFileSync(join(CASES, 'c36-duplicate-delivery.jpg'), file);
    const back = await runBatch([file], options);

    expect(changed.documents[0]).toMatchObject({ entry: { errorCode: 'EMPTY_DOCUMENT' } });
    expect(changed.summary).toMatchObject({ failed: 1, reused: 0 });
    // Its outcome in the output bucket is the empty file's now, so it is read once more.
    expect(back.documents[0]?.reused).toBeUndefined();
    expect(back.documents[0]?.entry?.status).toBe('succeeded');
    expect(JSON.parse(back.documents[0]?.result ?? '{}').pages).toHaveLength(1);
    expect(back.summary).toMatchObject({ succeeded: 1, reused: 0 });
    expect(back.summary.invocations).toBeGreaterThan(2);
  }, 180_000);

  it('ends a file that cannot be read in a failure of its own and reads the others', async () => {
    const folder = temporaryDir();
    mkdirSync(join(folder, 'not-a-file.png'));
    const files = [
      join(folder, 'gone.png'),
      join(folder, 'not-a-file.png'),
      join(CASES, 'c36-duplicate-delivery.jpg'),
    ];
    const seen: string[] = [];

    const { documents, summary } = await runBatch(files, {
      stack: { ...SMALL, handlers: { page: DETECT_ONLY_PAGE } },
      onOutcome: (document) => seen.push(document),
      pollMs: 50,
    });

    expect(seen.sort()).toEqual([...files].sort());
    expect(documents.map((d) => d.entry?.status)).toEqual(['failed', 'failed', 'succeeded']);
    expect(summary).toMatchObject({
      documents: 3,
      succeeded: 1,
      failed: 2,
      failures: { ENOENT: 1, EISDIR: 1 },
      failedDocuments: [
        {
          document: files[0],
          code: 'ENOENT',
          message: 'no such file or directory',
        },
        {
          document: files[1],
          code: 'EISDIR',
          message: 'illegal operation on a directory',
        },
      ],
    });
  }, 120_000);
});

describe.skipIf(!existsSync(CASES))('a batch with names that cannot be keys', () => {
  it('ends each file whose path cannot be an object key in a named failure and reads the others', async () => {
    const folder = temporaryDir();
    const receipt = join(CASES, 'c36-duplicate-delivery.jpg');
    const deep = join(folder, ...Array.from({ length: 6 }, (_, i) => `${i}`.repeat(200)));
    mkdirSync(deep, { recursive: true });
    const files = [
      join(folder, 'new\nline.jpg'),
      join(folder, 'back\\slash.jpg'),
      join(deep, 'receipt.jpg'),
      join(folder, 'receipt.jpg'),
    ];
    for (const file of files) copyFileSync(receipt, file);

    const { documents, summary } = await runBatch(files, {
      stack: { ...SMALL, handlers: { page: DETECT_ONLY_PAGE } },
      pollMs: 50,
    });

    expect(documents.map((d) => d.entry?.status)).toEqual([
      'failed',
      'failed',
      'failed',
      'succeeded',
    ]);
    expect(JSON.parse(documents[3]?.result ?? '{}').pages).toHaveLength(1);
    const problem = (reason: string) => `the file name cannot be an object key: ${reason}`;
    expect(summary).toMatchObject({
      documents: 4,
      succeeded: 1,
      failed: 3,
      failures: { INVALID_NAME: 3 },
      failedDocuments: [
        {
          document: files[0],
          code: 'INVALID_NAME',
          message: problem('a NUL or other control character'),
        },
        {
          document: files[1],
          code: 'INVALID_NAME',
          message: problem('a backslash, a path separator on Windows'),
        },
        { document: files[2], code: 'INVALID_NAME', message: problem('longer than 1024 bytes') },
      ],
    });
  }, 120_000);
});

function temporaryDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lectern-batch-'));
  dirs.push(dir);
  return dir;
}
