/**
 * @module The object store contract: buckets holding objects under keys, as Amazon S3 has them.
 * The embedded default keeps a directory per bucket (fs-object-store.ts); an S3 adapter will
 * fill the same interface. Handlers reach it only through `context.services.objects`.
 */

export type { SharedVolume } from './shared-volume.js';

/** What the store knows about one object, without its bytes. */
export interface ObjectMetadata {
  bucket: string;
  key: string;
  /** Size of the body in bytes. */
  size: number;
  /** MD5 of the body as lowercase hex, without quotes (what S3 gives for a single-part upload). */
  etag: string;
  /** MIME type given at `put`; absent when none was given. */
  contentType?: string;
  /** ISO-8601 time of the last write. */
  lastModified: string;
  /** Caller-defined metadata (S3's `x-amz-meta-*`), keys lower-cased. Empty when none. */
  userMetadata: Record<string, string>;
}

/** Options of {@link ObjectStore.put}. */
export interface PutOptions {
  contentType?: string;
  /** User metadata; keys are lower-cased as S3 does. */
  metadata?: Record<string, string>;
}

/**
 * Buckets and keys. Writes are atomic: a reader sees the old object or the new one, never a
 * torn one. Keys are S3 keys (UTF-8, `/` as a separator by convention only).
 */
export interface ObjectStore {
  /** Stores `body` under `key`, replacing any object there; resolves once it is durable. */
  put(bucket: string, key: string, body: Uint8Array, options?: PutOptions): Promise<ObjectMetadata>;
  /** The object's bytes and metadata; rejects with code OBJECT_NOT_FOUND when absent. */
  get(bucket: string, key: string): Promise<{ body: Buffer; metadata: ObjectMetadata }>;
  /** The object's metadata, or `undefined` when absent. */
  head(bucket: string, key: string): Promise<ObjectMetadata | undefined>;
  /** Every object whose key starts with `prefix` (all when omitted), sorted by key. */
  list(bucket: string, prefix?: string): Promise<ObjectMetadata[]>;
  /** Removes the object; removing an absent object is not an error (as on S3). */
  delete(bucket: string, key: string): Promise<void>;
}
