/**
 * @module The service factories the platform hands to the runtime, so that each instance
 * builds the same object store (with the same bucket notifications) and shared volume as the
 * platform process. Instances run compiled JavaScript, so the factories are the dist/ files.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PlatformError } from './errors.js';
import { packageRoot } from './runtime/host-path.js';
import type { ServiceConfig } from './runtime/protocol.js';
import type { NotificationConfig } from './storage/notifications.js';
import type { ObjectStoreFactoryOptions } from './storage/object-store-factory.js';

/** The object store and shared volume factories of a state directory. */
export function storageServiceConfig(paths: {
  buckets: string;
  volume: string;
  queue: string;
  notifications: NotificationConfig[];
}): ServiceConfig {
  const objects: ObjectStoreFactoryOptions = {
    root: paths.buckets,
    notifications: paths.notifications,
    queuePath: paths.queue,
  };
  return {
    objects: {
      module: compiled('object-store-factory.js'),
      export: 'createObjectStore',
      options: objects,
    },
    volume: {
      module: compiled('shared-volume.js'),
      export: 'createSharedVolume',
      options: { root: paths.volume },
    },
  };
}

function compiled(file: string): string {
  const path = join(packageRoot(), 'dist', 'platform', 'storage', file);
  if (existsSync(path)) return path;
  throw new PlatformError('HOST_NOT_BUILT', `${path} does not exist: run \`npm run build\` first`);
}
