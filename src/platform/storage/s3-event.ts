/**
 * @module S3 event notifications in Amazon's exact JSON shape, and their normalisation at the
 * edge. A handler written against these events runs unchanged on AWS Lambda.
 *
 * S3 writes the object key of an event URL-encoded in the HTML-form style: a space becomes
 * `+`, a `+` becomes `%2B`, every byte outside `A-Z a-z 0-9 . - _ * /` becomes `%XX` of its
 * UTF-8 encoding. `Facture nº 12 (copie)+final.jpg` arrives as
 * `Facture+n%C2%BA+12+%28copie%29%2Bfinal.jpg`. Decoding it once, with `+` read as a space,
 * gives the key back; decoding twice, or forgetting the `+`, gives a key that does not exist.
 */
import type { ObjectMetadata } from './object-store.js';
import { StorageError } from './storage-error.js';

/** One record of an S3 event notification, as S3 sends it. */
export interface S3EventRecord {
  eventVersion: string;
  eventSource: 'aws:s3';
  awsRegion: string;
  eventTime: string;
  eventName: string;
  userIdentity: { principalId: string };
  requestParameters: { sourceIPAddress: string };
  responseElements: { 'x-amz-request-id': string; 'x-amz-id-2': string };
  s3: {
    s3SchemaVersion: '1.0';
    configurationId: string;
    bucket: { name: string; ownerIdentity: { principalId: string }; arn: string };
    object: { key: string; size: number; eTag: string; sequencer: string };
  };
}

/** The event a bucket notification delivers to a function. */
export interface S3Event {
  Records: S3EventRecord[];
}

/** One record with its key decoded: what a handler works with. */
export interface S3ObjectEvent {
  /** For example `ObjectCreated:Put`. */
  eventName: string;
  eventTime: string;
  configurationId: string;
  bucket: string;
  /** The object key, decoded (exactly once). */
  key: string;
  size: number;
  etag: string;
  /** Hex string; for the same key, a later write has a greater sequencer. */
  sequencer: string;
}

/** Options of {@link createObjectCreatedEvent}. */
export interface ObjectCreatedOptions {
  /** The id of the notification configuration that matched. */
  configurationId: string;
  /** Orders the writes of one key (see {@link nextSequencer}). */
  sequencer: string;
  /** The API that created the object. Default: `Put`. */
  api?: 'Put' | 'Post' | 'Copy' | 'CompleteMultipartUpload';
  /** Default: `local`. */
  region?: string;
  /** Default: the object's lastModified. */
  eventTime?: string;
  /** Default: a fixed placeholder, as the embedded platform has no request ids for puts. */
  requestId?: string;
}

const KEPT_AS_IS = /[A-Za-z0-9.\-_*/]/;

/** Encodes an object key as S3 writes it into event notifications. */
export function encodeS3EventKey(key: string): string {
  let encoded = '';
  for (const char of key) {
    if (char === ' ') encoded += '+';
    else if (KEPT_AS_IS.test(char)) encoded += char;
    else encoded += percentEncode(char);
  }
  return encoded;
}

/**
 * Decodes a key taken from an S3 event: `+` is a space, `%XX` are UTF-8 bytes. Call it exactly
 * once per key. Throws INVALID_S3_EVENT on a malformed escape.
 */
export function decodeS3EventKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, ' '));
  } catch (cause) {
    throw new StorageError('INVALID_S3_EVENT', 'the object key has a malformed %-escape', {
      subject: encoded,
      cause,
    });
  }
}

/** The ObjectCreated event S3 would send for `object`. */
export function createObjectCreatedEvent(
  object: ObjectMetadata,
  options: ObjectCreatedOptions,
): S3Event {
  const requestId = options.requestId ?? 'LECTERNLOCAL0000';
  const record: S3EventRecord = {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: options.region ?? 'local',
    eventTime: options.eventTime ?? object.lastModified,
    eventName: `ObjectCreated:${options.api ?? 'Put'}`,
    userIdentity: { principalId: 'lectern' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': requestId, 'x-amz-id-2': requestId },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: options.configurationId,
      bucket: {
        name: object.bucket,
        ownerIdentity: { principalId: 'lectern' },
        arn: `arn:aws:s3:::${object.bucket}`,
      },
      object: {
        key: encodeS3EventKey(object.key),
        size: object.size,
        eTag: object.etag,
        sequencer: options.sequencer,
      },
    },
  };
  return { Records: [record] };
}

/**
 * The records of an S3 event with their keys decoded. Throws INVALID_S3_EVENT, naming the
 * first missing field, for anything that is not an S3 event.
 */
export function parseS3Event(event: unknown): S3ObjectEvent[] {
  const records = (event as { Records?: unknown } | null)?.Records;
  if (!Array.isArray(records)) throw invalidEvent('Records is not an array');
  return records.map((record, index) => parseRecord(record, index));
}

let lastSequence = 0n;

/**
 * A sequencer for a write happening now: 18 upper-case hex digits, increasing within a process
 * and, across processes, with the wall clock (microseconds).
 */
export function nextSequencer(nowMs: number = Date.now()): string {
  const candidate = BigInt(Math.floor(nowMs)) * 1000n;
  lastSequence = candidate > lastSequence ? candidate : lastSequence + 1n;
  return lastSequence.toString(16).toUpperCase().padStart(18, '0');
}

function parseRecord(record: unknown, index: number): S3ObjectEvent {
  const r = record as Partial<S3EventRecord> | null;
  const object = r?.s3?.object;
  const bucket = r?.s3?.bucket?.name;
  const where = `Records[${index}]`;
  if (typeof r?.eventName !== 'string') throw invalidEvent(`${where}.eventName is missing`);
  if (typeof bucket !== 'string') throw invalidEvent(`${where}.s3.bucket.name is missing`);
  if (typeof object?.key !== 'string') throw invalidEvent(`${where}.s3.object.key is missing`);
  return {
    eventName: r.eventName,
    eventTime: String(r.eventTime ?? ''),
    configurationId: String(r.s3?.configurationId ?? ''),
    bucket,
    key: decodeS3EventKey(object.key),
    size: Number(object.size ?? 0),
    etag: String(object.eTag ?? ''),
    sequencer: String(object.sequencer ?? ''),
  };
}

function percentEncode(char: string): string {
  let out = '';
  for (const byte of Buffer.from(char, 'utf8')) {
    out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function invalidEvent(reason: string): StorageError {
  return new StorageError('INVALID_S3_EVENT', `not an S3 event: ${reason}`);
}
