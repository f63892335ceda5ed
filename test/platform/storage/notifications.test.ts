import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../../src/platform/storage/fs-object-store.js';
import {
  BucketNotifications,
  type Notification,
  NotifyingObjectStore,
} from '../../../src/platform/storage/notifications.js';
import { parseS3Event } from '../../../src/platform/storage/s3-event.js';

const trigger = {
  id: 'ocr-upload',
  bucket: 'ocr-input',
  functionName: 'ocr',
  prefix: 'uploads/',
  suffix: '.jpg',
};

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function notifyingStore(): { store: NotifyingObjectStore; delivered: Notification[] } {
  const root = mkdtempSync(join(tmpdir(), 'lectern-notify-'));
  roots.push(root);
  const delivered: Notification[] = [];
  const store = new NotifyingObjectStore(
    new FsObjectStore(root),
    new BucketNotifications([trigger]),
    async (n) => {
      delivered.push(n);
    },
  );
  return { store, delivered };
}

describe('BucketNotifications', () => {
  it('matches keys by prefix and suffix, case-sensitively, in the configured bucket only', () => {
    const notifications = new BucketNotifications([trigger]);
    const matches = (bucket: string, key: string) =>
      notifications.matching(bucket, key).map((c) => c.id);

    expect(matches('ocr-input', 'uploads/a.jpg')).toEqual(['ocr-upload']);
    expect(matches('ocr-input', 'uploads/sub/dir/a b.jpg')).toEqual(['ocr-upload']);
    expect(matches('ocr-input', 'uploads/a.JPG')).toEqual([]);
    expect(matches('ocr-input', 'other/a.jpg')).toEqual([]);
    expect(matches('ocr-input', 'uploads/a.jpg.ocr.json')).toEqual([]);
    expect(matches('ocr-input', 'uploads/new folder/')).toEqual([]);
    expect(matches('ocr-output', 'uploads/a.jpg')).toEqual([]);
  });

  it('honours the event types a configuration asks for', () => {
    const copyOnly = new BucketNotifications([{ ...trigger, events: ['s3:ObjectCreated:Copy'] }]);
    expect(copyOnly.matching('ocr-input', 'uploads/a.jpg', 'Put')).toEqual([]);
    expect(copyOnly.matching('ocr-input', 'uploads/a.jpg', 'Copy')).toHaveLength(1);
  });

  it('refuses two configurations whose filters overlap, as S3 does', () => {
    expect(
      () => new BucketNotifications([trigger, { ...trigger, id: 'again', prefix: 'uploads/x' }]),
    ).toThrow(expect.objectContaining({ code: 'INVALID_NOTIFICATION' }));
    expect(
      () => new BucketNotifications([trigger, { ...trigger, id: 'pdf', suffix: '.pdf' }]),
    ).not.toThrow();
  });
});

describe('NotifyingObjectStore', () => {
  it('delivers one ObjectCreated:Put event with the encoded key after a matching put', async () => {
    const { store, delivered } = notifyingStore();
    const key = 'uploads/Facture nº 12 (copie)+final.jpg';
    const metadata = await store.put('ocr-input', key, new Uint8Array([1, 2, 3]));

    expect(delivered).toHaveLength(1);
    const [notification] = delivered;
    expect(notification?.functionName).toBe('ocr');
    const record = notification?.event.Records[0];
    expect(record?.eventName).toBe('ObjectCreated:Put');
    expect(record?.s3.object.key).toBe('uploads/Facture+n%C2%BA+12+%28copie%29%2Bfinal.jpg');
    expect(record?.s3.object.eTag).toBe(metadata.etag);
    expect(record?.s3.configurationId).toBe('ocr-upload');
    expect(parseS3Event(notification?.event)[0]?.key).toBe(key);
  });

  it('delivers nothing for writes outside the filters', async () => {
    const { store, delivered } = notifyingStore();
    await store.put('ocr-input', 'uploads/a.jpg.ocr.json', new Uint8Array([1]));
    await store.put('ocr-input', 'uploads/folder/', new Uint8Array());
    expect(delivered).toEqual([]);
  });

  it('gives each write its own delivery id and a later write a greater sequencer', async () => {
    const { store, delivered } = notifyingStore();
    await store.put('ocr-input', 'uploads/a.jpg', new Uint8Array([1]));
    await store.put('ocr-input', 'uploads/a.jpg', new Uint8Array([2]));

    const [first, second] = delivered.map((n) => n.event.Records[0]?.s3.object.sequencer ?? '');
    expect(delivered[0]?.deliveryId).not.toBe(delivered[1]?.deliveryId);
    expect((second ?? '') > (first ?? '')).toBe(true);
  });
});
