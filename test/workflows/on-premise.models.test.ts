import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOnPremise } from '../../src/workflows/deep-reader/on-premise.js';

const SAMPLE = 'samples/invoices/i2d_oyo.png';

describe('runOnPremise', () => {
  let root = '';

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'lectern-on-premise-'));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  // A file that cannot be read fails with a system error (EACCES when unreadable, ENOENT when
  // gone, EISDIR here), not a Lectern one; it used to end the whole batch, closing the models
  // under the documents still being read, which aborted the process.
  it('fails a file it cannot read on its own and still reads the others', async () => {
    const files = [root, SAMPLE, join(root, 'gone.png')];

    const { documents, summary } = await runOnPremise(files, { workers: 1, concurrency: 2 });

    const byFile = new Map(documents.map((document) => [document.file, document]));
    expect(byFile.get(root)?.entry).toMatchObject({
      status: 'failed',
      errorCode: 'EISDIR',
      errorMessage: 'illegal operation on a directory',
    });
    expect(byFile.get(join(root, 'gone.png'))?.entry).toMatchObject({
      status: 'failed',
      errorCode: 'ENOENT',
      errorMessage: 'no such file or directory',
    });
    expect(byFile.get(SAMPLE)?.entry?.status).toBe('succeeded');
    const result = JSON.parse(byFile.get(SAMPLE)?.result ?? '{}') as {
      pages: Array<{ blocks: Array<{ text: string }> }>;
    };
    const text = result.pages.flatMap((page) => page.blocks.map((block) => block.text)).join(' ');
    expect(text).toContain('OYO');
    expect(summary).toMatchObject({ documents: 3, succeeded: 1, failed: 2 });
  });
});
