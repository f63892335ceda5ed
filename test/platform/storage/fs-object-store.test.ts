import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../../src/platform/storage/fs-object-store.js';

let root: string;
let store: FsObjectStore;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'lectern-objects-'));
  store = new FsObjectStore(root, { now: () => Date.UTC(2024, 0, 2, 3, 4, 5) });
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

const bytes = (text: string) => new TextEncoder().encode(text);

describe('FsObjectStore', () => {
  it('gives back the bytes and metadata it stored, with the MD5 hex etag S3 gives', async () => {
    const put = await store.put('ocr-input', 'uploads/a.jpg', bytes('hello'), {
      contentType: 'image/jpeg',
      metadata: { 'Lectern-Output': 'yes' },
    });
    const { body, metadata } = await store.get('ocr-input', 'uploads/a.jpg');

    expect(body.toString()).toBe('hello');
    expect(metadata).toEqual(put);
    expect(metadata).toEqual({
      bucket: 'ocr-input',
      key: 'uploads/a.jpg',
      size: 5,
      etag: '5d41402abc4b2a76b9719d911017c592',
      contentType: 'image/jpeg',
      lastModified: '2024-01-02T03:04:05.000Z',
      userMetadata: { 'lectern-output': 'yes' },
    });
  });

  it('gives the etag of the empty object for a 0-byte put', async () => {
    const metadata = await store.put('ocr-input', 'uploads/c20-empty.jpg', new Uint8Array());
    expect(metadata.etag).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(metadata.size).toBe(0);
  });

  it('keeps "a", "a/b", "A" and a folder marker "a/" side by side, as S3 does', async () => {
    for (const key of ['a', 'a/b', 'A', 'a/']) await store.put('bucket', key, bytes(key));

    for (const key of ['a', 'a/b', 'A', 'a/']) {
      expect((await store.get('bucket', key)).body.toString()).toBe(key);
    }
  });

  it('replaces an object on a second put and leaves one body file behind', async () => {
    await store.put('bucket', 'k', bytes('first'));
    await store.put('bucket', 'k', bytes('second'));

    expect((await store.get('bucket', 'k')).body.toString()).toBe('second');
    const shards = readdirSync(join(root, 'bucket', 'objects'));
    const files = shards.flatMap((s) => readdirSync(join(root, 'bucket', 'objects', s)));
    expect(files.filter((f) => f.endsWith('.body'))).toHaveLength(1);
  });

  it('lets concurrent readers see the old or the new object, never a mix', async () => {
    const a = Buffer.alloc(256 * 1024, 'a');
    const b = Buffer.alloc(256 * 1024, 'b');
    await store.put('bucket', 'k', a);

    const writes = Array.from({ length: 20 }, (_, i) => store.put('bucket', 'k', i % 2 ? a : b));
    const reads = Array.from({ length: 40 }, () => store.get('bucket', 'k'));
    const results = await Promise.all(reads);
    await Promise.all(writes);

    for (const { body, metadata } of results) {
      const letter = String.fromCharCode(body[0] ?? 0);
      expect(body.equals(letter === 'a' ? a : b)).toBe(true);
      expect(metadata.etag).toBe(letter === 'a' ? md5(a) : md5(b));
    }
  });

  it('leaves no temporary file behind after a put', async () => {
    await store.put('bucket', 'k', bytes('x'));
    expect(readdirSync(join(root, 'bucket', '.tmp'))).toEqual([]);
  });

  it('lists by prefix in key order and forgets deleted objects', async () => {
    for (const key of ['uploads/b', 'uploads/a', 'other/c', 'uploads2/d']) {
      await store.put('bucket', key, bytes(key));
    }
    await store.delete('bucket', 'uploads/b');
    await store.delete('bucket', 'never-there');

    expect((await store.list('bucket', 'uploads/')).map((o) => o.key)).toEqual(['uploads/a']);
    expect((await store.list('bucket')).map((o) => o.key)).toEqual([
      'other/c',
      'uploads/a',
      'uploads2/d',
    ]);
    expect(await store.head('bucket', 'uploads/b')).toBeUndefined();
    expect(await store.list('no-such-bucket')).toEqual([]);
  });

  it('rejects a get of a missing object with OBJECT_NOT_FOUND naming bucket and key', async () => {
    await expect(store.get('bucket', 'nope.jpg')).rejects.toMatchObject({
      code: 'OBJECT_NOT_FOUND',
      message: expect.stringContaining('bucket/nope.jpg'),
    });
  });

  it.each([
    ['..', 'a ".." segment'],
    ['../outside', 'a ".." segment'],
    ['uploads/../../etc/passwd', 'a ".." segment'],
    ['./a', 'a "." segment'],
    ['/etc/passwd', 'absolute'],
    ['a\0b', 'NUL'],
    ['a\\..\\b', 'backslash'],
    ['', 'empty'],
    ['x'.repeat(1025), 'longer than 1024'],
    ['bad\ud800', 'lone surrogate'],
  ])('refuses the key %j: %s', async (key, reason) => {
    const error = await store.put('bucket', key, bytes('x')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_OBJECT_KEY' });
    expect((error as Error).message).toContain(reason);
    expect(readdirSync(root)).toEqual([]);
  });

  it.each(['..', 'Upper', 'a', 'with/slash', 'a..b', '-start'])(
    'refuses the bucket name %j',
    async (bucket) => {
      await expect(store.put(bucket, 'k', bytes('x'))).rejects.toMatchObject({
        code: 'INVALID_BUCKET_NAME',
      });
    },
  );

  it('accepts keys with spaces, "+", parentheses and non-ASCII characters', async () => {
    const key = 'uploads/Facture nº 12 (copie)+final.jpg';
    await store.put('ocr-input', key, bytes('x'));
    expect((await store.list('ocr-input'))[0]?.key).toBe(key);
  });
});

function md5(buffer: Buffer): string {
  return createHash('md5').update(buffer).digest('hex');
}
