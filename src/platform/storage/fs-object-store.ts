/**
 * @module The embedded object store: a directory per bucket under one root.
 *
 * Layout of a bucket directory:
 * ```
 * <root>/<bucket>/objects/<h2>/<h>.json          metadata, the commit point of a put
 * <root>/<bucket>/objects/<h2>/<h>.<nonce>.body  the bytes it names
 * <root>/<bucket>/.tmp/                          files being written
 * ```
 * where `h` is the SHA-256 of the key and `h2` its first two hex digits. Keys never become
 * paths, so no key can reach outside its bucket (keys are validated as well, see keys.ts), and
 * S3 keys that a file system cannot hold side by side ("a" and "a/b", "A" and "a" on a
 * case-insensitive disk, 1,024-byte keys) all work.
 *
 * A put writes the body to a fresh file, then renames a new metadata file over the old one:
 * readers see the old object or the new one, never a mix. Both files are fsynced before their
 * rename, so a put that resolved survives `kill -9` of any process.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { assertBucketName, assertObjectKey } from './keys.js';
import type { ObjectMetadata, ObjectStore, PutOptions } from './object-store.js';
import { StorageError } from './storage-error.js';

/** Options of {@link FsObjectStore}. */
export interface FsObjectStoreOptions {
  /** The time written as `lastModified`. Default: the system clock. */
  now?: () => number;
  /** fsync each file before renaming it into place. Default: true. */
  fsync?: boolean;
}

interface StoredMetadata extends ObjectMetadata {
  /** File name of the body, inside the same shard directory. */
  body: string;
}

// A reader can lose a race with a writer that replaces the body it was about to open; it then
// reads the new metadata and tries again. More than a few losses in a row means corruption.
const READ_ATTEMPTS = 4;

/** An {@link ObjectStore} keeping a directory per bucket under `root`. */
export class FsObjectStore implements ObjectStore {
  readonly root: string;
  readonly #now: () => number;
  readonly #fsync: boolean;

  constructor(root: string, options: FsObjectStoreOptions = {}) {
    this.root = root;
    this.#now = options.now ?? Date.now;
    this.#fsync = options.fsync ?? true;
  }

  async put(
    bucket: string,
    key: string,
    body: Uint8Array,
    options: PutOptions = {},
  ): Promise<ObjectMetadata> {
    const { shard, hash } = this.#locate(bucket, key);
    const bodyName = `${hash}.${randomBytes(6).toString('hex')}.body`;
    const metadata: StoredMetadata = {
      bucket,
      key,
      size: body.byteLength,
      etag: createHash('md5').update(body).digest('hex'),
      ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
      lastModified: new Date(this.#now()).toISOString(),
      userMetadata: lowerCaseKeys(options.metadata ?? {}),
      body: bodyName,
    };

    await mkdir(shard, { recursive: true });
    await this.#writeAtomically(bucket, join(shard, bodyName), body);
    const previous = await readStoredMetadata(join(shard, `${hash}.json`));
    await this.#writeAtomically(bucket, join(shard, `${hash}.json`), JSON.stringify(metadata));
    if (previous !== undefined && previous.body !== bodyName) {
      await rm(join(shard, previous.body), { force: true });
    }
    return publicMetadata(metadata);
  }

  async get(bucket: string, key: string): Promise<{ body: Buffer; metadata: ObjectMetadata }> {
    const { shard, hash } = this.#locate(bucket, key);
    for (let attempt = 1; attempt <= READ_ATTEMPTS; attempt += 1) {
      const stored = await readStoredMetadata(join(shard, `${hash}.json`));
      if (stored === undefined) throw notFound(bucket, key);
      const body = await readFile(join(shard, stored.body)).catch(ignoreMissing);
      if (body !== undefined) return { body, metadata: publicMetadata(stored) };
    }
    throw new StorageError('OBJECT_CORRUPT', 'the metadata names a body file that is missing', {
      subject: `${bucket}/${key}`,
    });
  }

  async head(bucket: string, key: string): Promise<ObjectMetadata | undefined> {
    const { shard, hash } = this.#locate(bucket, key);
    const stored = await readStoredMetadata(join(shard, `${hash}.json`));
    return stored === undefined ? undefined : publicMetadata(stored);
  }

  async list(bucket: string, prefix = ''): Promise<ObjectMetadata[]> {
    assertBucketName(bucket);
    const objects = join(this.root, bucket, 'objects');
    const shards = (await readdir(objects).catch(ignoreMissing)) ?? [];
    const found: ObjectMetadata[] = [];
    for (const shard of shards) {
      for (const name of (await readdir(join(objects, shard)).catch(ignoreMissing)) ?? []) {
        if (!name.endsWith('.json')) continue;
        const stored = await readStoredMetadata(join(objects, shard, name));
        if (stored?.key.startsWith(prefix)) found.push(publicMetadata(stored));
      }
    }
    return found.sort((a, b) => compareKeys(a.key, b.key));
  }

  async delete(bucket: string, key: string): Promise<void> {
    const { shard, hash } = this.#locate(bucket, key);
    const stored = await readStoredMetadata(join(shard, `${hash}.json`));
    if (stored === undefined) return;
    // The metadata goes first: once it is gone the object is gone, whatever happens next.
    await rm(join(shard, `${hash}.json`), { force: true });
    await rm(join(shard, stored.body), { force: true });
  }

  #locate(bucket: string, key: string): { shard: string; hash: string } {
    assertBucketName(bucket);
    assertObjectKey(bucket, key);
    const hash = createHash('sha256').update(key, 'utf8').digest('hex');
    return { shard: join(this.root, bucket, 'objects', hash.slice(0, 2)), hash };
  }

  async #writeAtomically(bucket: string, target: string, data: Uint8Array | string): Promise<void> {
    const tmpDir = join(this.root, bucket, '.tmp');
    await mkdir(tmpDir, { recursive: true });
    const tmp = join(tmpDir, `${process.pid}-${randomBytes(8).toString('hex')}`);
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(data);
      if (this.#fsync) await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(tmp, target);
    } catch (error) {
      await unlink(tmp).catch(() => undefined);
      throw error;
    }
  }
}

async function readStoredMetadata(path: string): Promise<StoredMetadata | undefined> {
  const text = await readFile(path, 'utf8').catch(ignoreMissing);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as StoredMetadata;
  } catch (cause) {
    throw new StorageError('OBJECT_CORRUPT', 'unreadable object metadata', {
      subject: path,
      cause,
    });
  }
}

function publicMetadata(stored: StoredMetadata): ObjectMetadata {
  const { body: _body, ...metadata } = stored;
  return { ...metadata, userMetadata: { ...metadata.userMetadata } };
}

function lowerCaseKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k.toLowerCase(), String(v)]));
}

// S3 lists keys in UTF-8 binary order, which differs from UTF-16 code-unit order for
// characters beyond the Basic Multilingual Plane.
function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function ignoreMissing(error: unknown): undefined {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  throw error;
}

function notFound(bucket: string, key: string): StorageError {
  return new StorageError('OBJECT_NOT_FOUND', 'no such object', { subject: `${bucket}/${key}` });
}
