import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import {
  type ClientRequest,
  request as httpRequest,
  type IncomingHttpHeaders,
  type RequestOptions,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../src/platform/storage/fs-object-store.js';
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

/** The API over a plain object store: these tests look at requests, not at reading. */
async function startBareApi(maxUploadBytes: number) {
  const root = await mkdtemp(join(tmpdir(), 'lectern-api-'));
  const objects = new FsObjectStore(root);
  const index = ResultsIndex.open(':memory:');
  const server = createApiServer({
    objects,
    index,
    inputBucket: 'lectern-input',
    outputBucket: 'lectern-output',
    uploadPrefix: 'uploads/',
    maxUploadBytes,
    sync: async () => undefined,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    index.close();
    await rm(root, { recursive: true, force: true });
  });
  const { port } = server.address() as AddressInfo;
  const stored = async () => (await objects.list('lectern-input')).map((o) => o.key);
  return { port, stored };
}

interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Whether the server said `100 Continue`, inviting the body. */
  continued: boolean;
  /** Connection errors after the answer arrived (a reset while the client still sent). */
  errorsAfter: string[];
}

/**
 * One request with the path exactly as given (no client-side resolution of `..`), its body
 * from `write`, which is told to stop once the answer has arrived.
 */
function rawRequest(
  port: number,
  options: RequestOptions,
  write: (request: ClientRequest, answered: () => boolean) => void,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    let continued = false;
    let answered = false;
    const errorsAfter: string[] = [];
    const request = httpRequest({ host: '127.0.0.1', port, ...options }, (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          continued,
          errorsAfter,
        }),
      );
    });
    request.on('continue', () => {
      continued = true;
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (!answered) reject(error);
      errorsAfter.push(error.code ?? error.message);
    });
    write(request, () => answered);
  });
}

/** Writes 64 KB chunks (chunked encoding: no Content-Length) until the answer arrives. */
function streamUntilAnswered(request: ClientRequest, answered: () => boolean): void {
  const chunk = Buffer.alloc(64 * 1024, 7);
  const pump = () => {
    while (!answered() && !request.destroyed) {
      if (!request.write(chunk)) return void request.once('drain', pump);
    }
    request.end();
  };
  pump();
}

const errorCode = (answer: RawAnswer) =>
  (JSON.parse(answer.body) as { error: { code: string } }).error.code;

describe('the HTTP API on raw requests', () => {
  it('refuses names with . or .. parts as sent, percent-encoded or not, storing nothing', async () => {
    const { port, stored } = await startBareApi(1_000_000);
    const paths = [
      '/documents/a/../b.png',
      '/documents/a/%2e%2e/b.png',
      '/documents/a/%2E./b.png',
      '/documents/./b.png',
      '/documents/a%2F..%2Fb.png',
      '/documents/a//b.png',
    ];

    const answers = [];
    for (const path of paths) {
      answers.push(
        await rawRequest(port, { method: 'PUT', path }, (request) => request.end('bytes')),
      );
    }
    const plain = await rawRequest(port, { method: 'PUT', path: '/documents/a/b.png?v=1' }, (r) =>
      r.end('bytes'),
    );

    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(errorCode(answer)).toBe('INVALID_NAME');
    }
    expect(plain.status).toBe(202);
    expect(await stored()).toEqual(['uploads/a/b.png']);
  });

  it('refuses names that cannot be an object key with 400 INVALID_NAME, storing nothing', async () => {
    const { port, stored } = await startBareApi(1_000_000);
    const long = `${'n'.repeat(1100)}.png`;
    const paths = [
      '/documents/new%0Aline.png',
      '/documents/tab%09bed.png',
      '/documents/back%5Cslash.png',
      `/documents/${long}`,
      `/documents/${long}/result`,
    ];

    const answers = [];
    for (const path of paths) {
      const put = !path.endsWith('/result');
      answers.push(
        await rawRequest(port, { method: put ? 'PUT' : 'GET', path }, (request) =>
          request.end(put ? 'bytes' : undefined),
        ),
      );
    }
    const longest = `/documents/${'n'.repeat(1024 - 'uploads/'.length - 4)}.png`;
    const fits = await rawRequest(port, { method: 'PUT', path: longest }, (r) => r.end('bytes'));

    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(errorCode(answer)).toBe('INVALID_NAME');
    }
    expect(JSON.parse(answers[0]?.body ?? '{}').error.message).toBe(
      'the document name cannot be an object key: a NUL or other control character',
    );
    expect(JSON.parse(answers[3]?.body ?? '{}').error.message).toMatch(/longer than 1024 bytes/);
    expect(fits.status).toBe(202);
    expect(await stored()).toHaveLength(1);
  });

  it('answers a chunked upload past the limit with 413, then closes without a reset', async () => {
    const { port, stored } = await startBareApi(100_000);

    const answers = [];
    for (let attempt = 0; attempt < 8; attempt += 1) {
      answers.push(
        await rawRequest(port, { method: 'PUT', path: '/documents/big.bin' }, streamUntilAnswered),
      );
      // The close comes after the answer: give a reset the time to show.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    for (const answer of answers) {
      expect(answer.status).toBe(413);
      expect(answer.headers.connection).toBe('close');
      expect(errorCode(answer)).toBe('UPLOAD_TOO_LARGE');
      // A client that sends before it reads (curl) fails on such a reset without the answer.
      expect(answer.errorsAfter).toEqual([]);
    }
    expect(await stored()).toEqual([]);
  });

  it('answers a streamed fetch body past the limit with 413', async () => {
    const { port, stored } = await startBareApi(100_000);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Far past the limit, yet finite, should the client read only after sending.
        if (sent >= 5_000_000) return controller.close();
        sent += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024));
      },
    });

    const response = await fetch(`http://127.0.0.1:${port}/documents/big.bin`, {
      method: 'PUT',
      body,
      duplex: 'half',
    } as RequestInit);

    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'UPLOAD_TOO_LARGE',
    );
    expect(await stored()).toEqual([]);
  });

  it('refuses an upload declared too large before inviting its body', async () => {
    const { port } = await startBareApi(100_000);

    const answer = await rawRequest(
      port,
      {
        method: 'PUT',
        path: '/documents/big.bin',
        headers: { 'content-length': 10_000_000, expect: '100-continue' },
      },
      // The body only follows a 100 Continue, which must not come.
      (request) => request.once('continue', () => streamUntilAnswered(request, () => true)),
    );

    expect(answer.continued).toBe(false);
    expect(answer.status).toBe(413);
    expect(errorCode(answer)).toBe('UPLOAD_TOO_LARGE');
  });
});
