import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiServer } from '../../src/workflows/deep-reader/http-api.js';
import { syncResultsIndex } from '../../src/workflows/deep-reader/index-sync.js';
import { ResultsIndex } from '../../src/workflows/deep-reader/results-index.js';
import { CASES, DETECT_ONLY_PAGE, openTestStack } from './helpers.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function startApi(maxUploadBytes = 1_000_000) {
  const stack = await openTestStack({ handlers: { page: DETECT_ONLY_PAGE } });
  const index = ResultsIndex.open(':memory:');
  const { platform } = stack;
  const server = createApiServer({
    objects: platform.objects,
    index,
    inputBucket: 'lectern-input',
    outputBucket: 'lectern-output',
    uploadPrefix: 'uploads/',
    maxUploadBytes,
    sync: () => syncResultsIndex({ platform, index, outputBucket: 'lectern-output' }),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    index.close();
  });
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, platform };
}

describe.skipIf(!existsSync(CASES))('the HTTP API of lectern serve', () => {
  it('takes an upload, reports its status and serves its result', async () => {
    const { base, platform } = await startApi();
    const bytes = readFileSync(join(CASES, 'c36-duplicate-delivery.jpg'));

    const put = await fetch(`${base}/documents/receipt%20one.jpg`, { method: 'PUT', body: bytes });
    const queued = await put.json();
    const early = await fetch(`${base}/documents/receipt%20one.jpg/result`);
    await platform.waitForIdle();
    const status = await (await fetch(`${base}/documents/receipt%20one.jpg`)).json();
    const result = (await (await fetch(`${base}/documents/receipt%20one.jpg/result`)).json()) as {
      document: { name: string };
    };

    expect(put.status).toBe(202);
    expect(queued).toMatchObject({ key: 'uploads/receipt one.jpg', status: 'queued' });
    expect([409, 200]).toContain(early.status);
    expect(status).toMatchObject({ status: 'succeeded', pages: 1 });
    expect(result.document.name).toBe('uploads/receipt one.jpg');
  });

  it('refuses an upload past the size limit with 413 and lists failed documents', async () => {
    const { base, platform } = await startApi(100_000);

    const big = await fetch(`${base}/documents/big.jpg`, {
      method: 'PUT',
      body: readFileSync(join(CASES, 'c36-duplicate-delivery.jpg')),
    });
    await fetch(`${base}/documents/none.pdf`, {
      method: 'PUT',
      body: readFileSync(join(CASES, 'c16-zero-pages.pdf')),
    });
    await platform.waitForIdle();
    const { failures } = (await (await fetch(`${base}/failures`)).json()) as {
      failures: unknown[];
    };
    const missing = await fetch(`${base}/documents/never.jpg`);

    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe('UPLOAD_TOO_LARGE');
    expect(failures).toEqual([
      expect.objectContaining({ key: 'uploads/none.pdf', errorCode: 'NO_PAGES' }),
    ]);
    expect(missing.status).toBe(404);
  });
});
