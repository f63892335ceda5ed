import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ObjectMetadata } from '../../../src/platform/storage/object-store.js';
import {
  createObjectCreatedEvent,
  decodeS3EventKey,
  encodeS3EventKey,
  nextSequencer,
  parseS3Event,
} from '../../../src/platform/storage/s3-event.js';

const eventsDir = join(process.cwd(), '..', 'shared', 'cases', 'events');
const haveCases = (() => {
  try {
    readFileSync(join(eventsDir, 'c34-encoded-key.json'));
    return true;
  } catch {
    return false;
  }
})();

const c34Key = 'uploads/Facture nº 12 (copie)+final.jpg';
const c34Encoded = 'uploads/Facture+n%C2%BA+12+%28copie%29%2Bfinal.jpg';

describe('S3 event keys', () => {
  it('encodes the c34 key exactly as S3 writes it into the event', () => {
    expect(encodeS3EventKey(c34Key)).toBe(c34Encoded);
  });

  it('decodes the c34 key once, reading "+" as a space and "%2B" as a plus', () => {
    expect(decodeS3EventKey(c34Encoded)).toBe(c34Key);
  });

  it.each([
    'uploads/new folder/',
    'a+b c%20d',
    'emoji 😀/日本語.pdf',
    'all ~!@#$&*()=:,;?\'[]{}<>|^`"',
    '100%.jpg',
  ])('round-trips %j', (key) => {
    const encoded = encodeS3EventKey(key);
    expect(encoded).not.toContain(' ');
    expect(decodeS3EventKey(encoded)).toBe(key);
  });

  it('keeps "/" and the unreserved characters as they are', () => {
    expect(encodeS3EventKey('a/b-c_d.e*f')).toBe('a/b-c_d.e*f');
  });

  it('refuses a malformed escape with INVALID_S3_EVENT', () => {
    expect(() => decodeS3EventKey('bad%zz')).toThrow(
      expect.objectContaining({ code: 'INVALID_S3_EVENT' }),
    );
  });
});

describe('ObjectCreated events', () => {
  const object: ObjectMetadata = {
    bucket: 'ocr-input-bucket',
    key: c34Key,
    size: 205603,
    etag: '844d9982050fbf8ce803013783ab1811',
    lastModified: '2024-01-01T00:00:00.000Z',
    userMetadata: {},
  };

  it.skipIf(!haveCases)('have the shape of the events in shared/cases', () => {
    const expected = JSON.parse(readFileSync(join(eventsDir, 'c34-encoded-key.json'), 'utf8'));
    const event = createObjectCreatedEvent(object, {
      configurationId: 'ocr-upload',
      sequencer: '0065A1B2C3D4E5F634',
      region: 'eu-west-1',
    });

    expect(shapeOf(event)).toEqual(shapeOf(expected));
    expect(event.Records[0]?.s3.object).toEqual(expected.Records[0].s3.object);
    expect(event.Records[0]?.eventName).toBe('ObjectCreated:Put');
    expect(event.Records[0]?.s3.bucket.arn).toBe('arn:aws:s3:::ocr-input-bucket');
  });

  it.skipIf(!haveCases)('parse the shared c34 event into the real key', () => {
    const event = JSON.parse(readFileSync(join(eventsDir, 'c34-encoded-key.json'), 'utf8'));
    expect(parseS3Event(event)).toEqual([
      {
        eventName: 'ObjectCreated:Put',
        eventTime: '2024-01-01T00:00:00.000Z',
        configurationId: 'ocr-upload',
        bucket: 'ocr-input-bucket',
        key: c34Key,
        size: 205603,
        etag: '844d9982050fbf8ce803013783ab1811',
        sequencer: '0065A1B2C3D4E5F634',
      },
    ]);
  });

  it.skipIf(!haveCases)('parse the c38 folder marker with its space and trailing slash', () => {
    const { invocations } = JSON.parse(
      readFileSync(join(eventsDir, 'c38-must-be-ignored.json'), 'utf8'),
    );
    expect(invocations.map((e: unknown) => parseS3Event(e)[0]?.key)).toEqual([
      'ocr-output/uploads/c36-duplicate-delivery.json',
      'uploads/c36-duplicate-delivery.jpg.ocr.json',
      'uploads/new folder/',
    ]);
  });

  it('round-trip through create and parse', () => {
    const event = createObjectCreatedEvent(object, { configurationId: 'c', sequencer: '01' });
    expect(parseS3Event(JSON.parse(JSON.stringify(event)))[0]?.key).toBe(c34Key);
  });

  it('are refused by the parser when they are not S3 events, naming the missing field', () => {
    expect(() => parseS3Event({})).toThrow(/Records is not an array/);
    expect(() =>
      parseS3Event({ Records: [{ eventName: 'x', s3: { bucket: { name: 'b' } } }] }),
    ).toThrow(/Records\[0\]\.s3\.object\.key is missing/);
  });
});

describe('nextSequencer', () => {
  it('gives 18 hex digits that increase even within one millisecond', () => {
    const a = nextSequencer(1_700_000_000_000);
    const b = nextSequencer(1_700_000_000_000);
    expect(a).toMatch(/^[0-9A-F]{18}$/);
    expect(b > a).toBe(true);
  });
});

function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, shapeOf(v)]),
    );
  }
  return typeof value;
}
