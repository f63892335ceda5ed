/**
 * @module Bucket notifications: which writes send an ObjectCreated event to which function, with
 * S3's prefix and suffix filters, and an object store that sends them.
 */
import type { ObjectMetadata, ObjectStore, PutOptions } from './object-store.js';
import { createObjectCreatedEvent, nextSequencer, type S3Event } from './s3-event.js';
import { StorageError } from './storage-error.js';

/** One notification configuration of a bucket (S3's LambdaFunctionConfiguration). */
export interface NotificationConfig {
  /** Its id, sent as `s3.configurationId` in the event. */
  id: string;
  bucket: string;
  /** The function invoked (asynchronously) with the event. */
  functionName: string;
  /** S3 event types, e.g. `s3:ObjectCreated:*` or `s3:ObjectCreated:Put`. Default: all created. */
  events?: string[];
  /** Only keys starting with this (case-sensitive, as on S3). Default: any. */
  prefix?: string;
  /** Only keys ending with this (case-sensitive). Default: any. */
  suffix?: string;
}

/** One event to deliver. */
export interface Notification {
  config: NotificationConfig;
  functionName: string;
  event: S3Event;
  /** Identifies this write to this configuration, so that a delivery can be made idempotent. */
  deliveryId: string;
}

/** Receives notifications; resolves once the event is durably queued. */
export type NotificationTarget = (notification: Notification) => Promise<void>;

const ALL_CREATED = 's3:ObjectCreated:*';

/** The notification configurations of every bucket. */
export class BucketNotifications {
  readonly #configs: NotificationConfig[];

  /**
   * Throws INVALID_NOTIFICATION, as S3 does, for two configurations of one bucket whose
   * filters overlap for the same event type (one write would be delivered twice).
   */
  constructor(configs: readonly NotificationConfig[]) {
    this.#configs = configs.map((config) => ({ ...config }));
    assertNoOverlap(this.#configs);
  }

  /** The configurations matching a write of `key` into `bucket` by `api` (e.g. `Put`). */
  matching(bucket: string, key: string, api = 'Put'): NotificationConfig[] {
    return this.#configs.filter(
      (config) =>
        config.bucket === bucket &&
        key.startsWith(config.prefix ?? '') &&
        key.endsWith(config.suffix ?? '') &&
        coversEventType(config, `s3:ObjectCreated:${api}`),
    );
  }

  /** The notifications one write of `object` causes. */
  notificationsFor(object: ObjectMetadata, api: 'Put' | 'Copy' = 'Put'): Notification[] {
    const configs = this.matching(object.bucket, object.key, api);
    if (configs.length === 0) return [];
    const sequencer = nextSequencer(Date.parse(object.lastModified));
    return configs.map((config) => ({
      config,
      functionName: config.functionName,
      event: createObjectCreatedEvent(object, { configurationId: config.id, sequencer, api }),
      deliveryId: `${config.id}:${object.bucket}/${object.key}@${sequencer}`,
    }));
  }
}

/**
 * An object store that, after each successful put, hands the notifications it causes to
 * `deliver` and resolves only once they are delivered.
 *
 * If the process dies between the write and the delivery, the notification is lost (S3 itself
 * guarantees delivery); the write then looks like one made with no trigger configured.
 */
export class NotifyingObjectStore implements ObjectStore {
  readonly #inner: ObjectStore;
  readonly #notifications: BucketNotifications;
  readonly #deliver: NotificationTarget;

  constructor(inner: ObjectStore, notifications: BucketNotifications, deliver: NotificationTarget) {
    this.#inner = inner;
    this.#notifications = notifications;
    this.#deliver = deliver;
  }

  async put(
    bucket: string,
    key: string,
    body: Uint8Array,
    options?: PutOptions,
  ): Promise<ObjectMetadata> {
    const metadata = await this.#inner.put(bucket, key, body, options);
    for (const notification of this.#notifications.notificationsFor(metadata)) {
      await this.#deliver(notification);
    }
    return metadata;
  }

  get(bucket: string, key: string): Promise<{ body: Buffer; metadata: ObjectMetadata }> {
    return this.#inner.get(bucket, key);
  }

  head(bucket: string, key: string): Promise<ObjectMetadata | undefined> {
    return this.#inner.head(bucket, key);
  }

  list(bucket: string, prefix?: string): Promise<ObjectMetadata[]> {
    return this.#inner.list(bucket, prefix);
  }

  delete(bucket: string, key: string): Promise<void> {
    return this.#inner.delete(bucket, key);
  }
}

function coversEventType(config: NotificationConfig, eventType: string): boolean {
  const types = config.events ?? [ALL_CREATED];
  return types.some(
    (type) =>
      type === eventType || (type === ALL_CREATED && eventType.startsWith('s3:ObjectCreated:')),
  );
}

function assertNoOverlap(configs: NotificationConfig[]): void {
  for (const [i, a] of configs.entries()) {
    if (!a.id || !a.functionName) {
      throw new StorageError('INVALID_NOTIFICATION', 'a notification needs an id and a function', {
        subject: a.bucket,
      });
    }
    for (const b of configs.slice(i + 1)) {
      if (a.bucket === b.bucket && sameEventType(a, b) && filtersOverlap(a, b)) {
        throw new StorageError(
          'INVALID_NOTIFICATION',
          `configurations "${a.id}" and "${b.id}" overlap: one write would be delivered twice`,
          { subject: a.bucket },
        );
      }
    }
  }
}

function sameEventType(a: NotificationConfig, b: NotificationConfig): boolean {
  const typesA = a.events ?? [ALL_CREATED];
  const typesB = b.events ?? [ALL_CREATED];
  return typesA.some((x) => typesB.some((y) => x === y || x === ALL_CREATED || y === ALL_CREATED));
}

function filtersOverlap(a: NotificationConfig, b: NotificationConfig): boolean {
  const [pa, pb, sa, sb] = [a.prefix ?? '', b.prefix ?? '', a.suffix ?? '', b.suffix ?? ''];
  return (pa.startsWith(pb) || pb.startsWith(pa)) && (sa.endsWith(sb) || sb.endsWith(sa));
}
