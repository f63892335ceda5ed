/**
 * @module The object store as the platform builds it, in its own process and in each instance
 * process (runtime/protocol.ts ServiceFactory): a directory per bucket, sending bucket
 * notifications straight into the durable invocation queue, so that a handler's write into a
 * triggered bucket starts the triggered function exactly as an upload does.
 */
import type { EnqueueOptions } from '../invocation-rows.js';
import { FsObjectStore } from './fs-object-store.js';
import {
  BucketNotifications,
  type Notification,
  type NotificationConfig,
  type NotificationTarget,
  NotifyingObjectStore,
} from './notifications.js';
import type { ObjectStore } from './object-store.js';

/** JSON-serialisable options of {@link createObjectStore}. */
export interface ObjectStoreFactoryOptions {
  /** Directory holding a directory per bucket. */
  root: string;
  /** Bucket notifications. Default none. */
  notifications?: NotificationConfig[];
  /** The queue database the notifications go to; required with notifications. */
  queuePath?: string;
}

/** Something that queues an asynchronous invocation durably. */
export interface AsyncEnqueuer {
  enqueue(functionName: string, payload: unknown, options?: EnqueueOptions): unknown;
}

/** The idempotency key of a notification: one write, one invocation per configuration. */
export function notificationEnqueueOptions(notification: Notification): EnqueueOptions {
  return {
    idempotencyKey: `s3:${notification.deliveryId}`,
    origin: { trigger: `s3:${notification.config.id}` },
  };
}

/** Delivers notifications into `queue`, then calls `afterEnqueue` (to wake a dispatcher). */
export function queueTarget(queue: AsyncEnqueuer, afterEnqueue = () => {}): NotificationTarget {
  return async (notification) => {
    const options = notificationEnqueueOptions(notification);
    queue.enqueue(notification.functionName, notification.event, options);
    afterEnqueue();
  };
}

/**
 * Factory used by instance processes. The queue (and SQLite with it) is opened on the first
 * write that matches a notification, so that instances which only read pay nothing for it.
 */
export function createObjectStore(options: ObjectStoreFactoryOptions): ObjectStore {
  const store = new FsObjectStore(options.root);
  const configs = options.notifications ?? [];
  if (configs.length === 0) return store;
  const queuePath = options.queuePath;
  if (queuePath === undefined) throw new Error('createObjectStore: notifications need queuePath');
  let queue: Promise<AsyncEnqueuer> | undefined;
  const target: NotificationTarget = async (notification) => {
    queue ??= import('../invocations.js').then(({ InvocationQueue }) =>
      InvocationQueue.open(queuePath),
    );
    await queueTarget(await queue)(notification);
  };
  return new NotifyingObjectStore(store, new BucketNotifications(configs), target);
}
