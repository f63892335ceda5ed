import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_KEY_BYTES } from '../../src/platform/storage/keys.js';
import { createObjectCreatedEvent } from '../../src/platform/storage/s3-event.js';
import { runBatch } from '../../src/workflows/deep-reader/batch-run.js';
import { OUTPUT_METADATA, outputKey } from '../../src/workflows/deep-reader/config.js';
import { createApiServer } from '../../src/workflows/deep-reader/http-api.js';
import { syncResultsIndex } from '../../src/workflows/deep-reader/index-sync.js';
import { existingOutcome } from '../../src/workflows/deep-reader/outputs.js';
import { ResultsIndex } from '../../src/workflows/deep-reader/results-index.js';
import { CASES, DETECT_ONLY_PAGE, openTestStack, SMALL } from './helpers.js';

const OUTPUT = 'lectern-output';
const HASHED = /^(results|failures)\/sha256\/[0-9a-f]{64}\.json$/;
const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A relative path of exactly `size` UTF-8 bytes: folders named `folder`, then `file`. */
function pathOfBytes(size: number, folder: string, file: string): string {
  const folders: string[] = [];
  let used = bytes(file);
  while (used + bytes(folder) + 1 <= size) {
    folders.push(folder);
    used += bytes(folder) + 1;
  }
  folders[0] += 'x'.repeat(size - used);
  return [...folders, file].join('/');
}

describe('outputKey', () => {
  it('keeps the plain name while both kinds fit in 1,024 bytes, counted in UTF-8', () => {
    // failures/ (9) + key + .json (5) = 1,024 bytes, with 510 characters only.
    const fits = `uploads/xx${'é'.repeat(500)}`;
    const over = `${fits}x`;

    expect(outputKey('result', 'uploads/a.jpg')).toBe('results/uploads/a.jpg.json');
    expect(outputKey('failure', fits)).toBe(`failures/${fits}.json`);
    expect(bytes(outputKey('failure', fits))).toBe(MAX_KEY_BYTES);
    expect(outputKey('result', fits)).toBe(`results/${fits}.json`);
    // The result's plain name would still fit; it is hashed along with the failure's.
    expect(outputKey('result', over)).toMatch(HASHED);
    expect(outputKey('failure', over)).toMatch(HASHED);
  });

  it('names a key too long by its hash: fixed length, one name per key and kind', () => {
    const long = `uploads/${'a'.repeat(1_010)}`;
    const other = `uploads/${'a'.repeat(1_009)}b`;

    expect(outputKey('result', long)).toMatch(HASHED);
    expect(outputKey('failure', long)).toMatch(HASHED);
    expect(outputKey('failure', long).slice('failures/'.length)).toBe(
      outputKey('result', long).slice('results/'.length),
    );
    expect(outputKey('result', other)).not.toBe(outputKey('result', long));
  });

  it('hashes a key shaped like a hashed name, so that it cannot take another key’s output', () => {
    const long = `uploads/${'a'.repeat(1_010)}`;
    const impostor = outputKey('result', long).slice('results/'.length, -'.json'.length);

    expect(outputKey('result', impostor)).toMatch(HASHED);
    expect(outputKey('result', impostor)).not.toBe(outputKey('result', long));
    expect(outputKey('result', 'sha256/receipt.jpg')).toBe('results/sha256/receipt.jpg.json');
  });
});

describe.skipIf(!existsSync(CASES))('keys near S3’s limit on the platform', () => {
  it('end in exactly one outcome each, which the index and run’s results find', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lectern-long-keys-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    // Two files far apart, so that the receipt's upload key keeps its ~1,000 bytes of folders.
    const name = pathOfBytes(1_016 - 'uploads/'.length, 'dossier fournisseur très long', 'r.jpg');
    const deep = join(root, 'in', name, '..');
    mkdirSync(deep, { recursive: true });
    const receipt = join(root, 'in', name);
    const empty = join(root, 'in', 'empty.jpg');
    copyFileSync(join(CASES, 'c36-duplicate-delivery.jpg'), receipt);
    copyFileSync(join(CASES, 'c20-empty.jpg'), empty);

    const { documents, summary } = await runBatch([receipt, empty], {
      stateDir: join(root, 'state'),
      stack: { ...SMALL, handlers: { page: DETECT_ONLY_PAGE } },
      pollMs: 50,
    });

    const [long, short] = documents;
    expect(bytes(long?.key ?? '')).toBe(1_016);
    expect(summary).toMatchObject({ documents: 2, succeeded: 1, failed: 1 });
    expect(long?.entry).toMatchObject({ key: long?.key, status: 'succeeded', pages: 1 });
    expect(long?.entry?.outputKey).toMatch(HASHED);
    expect(JSON.parse(long?.result ?? '{}').document.name).toBe(long?.key);
    expect(short?.entry?.outputKey).toBe('failures/uploads/empty.jpg.json');
  });

  it('serve finds the outcome of a long name; a repeated event finds it and is ignored', async () => {
    const stack = await openTestStack({ handlers: { page: DETECT_ONLY_PAGE } });
    const { platform } = stack;
    const index = ResultsIndex.open(':memory:');
    const server = createApiServer({
      objects: platform.objects,
      index,
      inputBucket: 'lectern-input',
      outputBucket: OUTPUT,
      uploadPrefix: 'uploads/',
      maxUploadBytes: 1_000_000,
      sync: () => syncResultsIndex({ platform, index, outputBucket: OUTPUT }),
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      index.close();
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const name = pathOfBytes(1_020 - 'uploads/'.length, 'Rechnungsablage Größe', 'beleg 1.jpg');
    const key = `uploads/${name}`;
    const url = `${base}/documents/${name.split('/').map(encodeURIComponent).join('/')}`;
    const body = readFileSync(join(CASES, 'c36-duplicate-delivery.jpg'));

    const put = await fetch(url, { method: 'PUT', body });
    await platform.waitForIdle();
    const status = await (await fetch(url)).json();
    const result = (await (await fetch(`${url}/result`)).json()) as { document: { name: string } };

    expect(bytes(key)).toBe(1_020);
    expect(put.status).toBe(202);
    expect(status).toMatchObject({ key, status: 'succeeded', outputKey: outputKey('result', key) });
    expect(result.document.name).toBe(key);
    const outputs = await platform.objects.list(OUTPUT);
    expect(outputs.map((o) => o.key)).toEqual([outputKey('result', key)]);
    expect(decodeURIComponent(outputs[0]?.userMetadata[OUTPUT_METADATA.sourceKey] ?? '')).toBe(key);

    const found = await existingOutcome(platform.objects, OUTPUT, key);
    const upload = await platform.objects.head('lectern-input', key);
    const again = createObjectCreatedEvent(upload as NonNullable<typeof upload>, {
      configurationId: 'lectern-upload',
      sequencer: 'FFFFFFFFFFFFFFFFFF',
    });
    const replayed = (await platform.invoke('lectern-ocr', again)).payload;

    expect(found).toMatchObject({ kind: 'result', key: outputKey('result', key) });
    expect(replayed).toEqual([{ key, action: 'ignored', reason: 'duplicate' }]);
    expect((await platform.objects.list(OUTPUT)).map((o) => o.key)).toEqual([
      outputKey('result', key),
    ]);
  });
});
