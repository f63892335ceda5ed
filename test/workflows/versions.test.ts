import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../src/platform/storage/fs-object-store.js';
import { createObjectCreatedEvent } from '../../src/platform/storage/s3-event.js';
import { LocalSharedVolume } from '../../src/platform/storage/shared-volume.js';
import { OUTPUT_METADATA } from '../../src/workflows/deep-reader/config.js';
import { syncResultsIndex } from '../../src/workflows/deep-reader/index-sync.js';
import { compareSequencers, writeOutcome } from '../../src/workflows/deep-reader/outputs.js';
import { ResultsIndex } from '../../src/workflows/deep-reader/results-index.js';
import { CASES, DETECT_ONLY_PAGE, openTestStack } from './helpers.js';

const OUTPUT = 'lectern-output';
const KEY = 'uploads/receipt.jpg';
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('versions of one key in the output bucket', () => {
  it('orders S3 sequencers as numbers, whatever their length', () => {
    expect(compareSequencers('0065A1B2C3D4E5F636', '0065A1B2C3D4E5F639')).toBeLessThan(0);
    expect(compareSequencers('FF', '0100')).toBeLessThan(0);
    expect(compareSequencers('00ff', 'FF')).toBe(0);
  });

  it('never lets a stale outcome overwrite a newer one', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lectern-outputs-'));
    dirs.push(root);
    const services = {
      objects: new FsObjectStore(join(root, 'buckets')),
      volume: new LocalSharedVolume(join(root, 'volume')),
    };
    const newer = {
      bucket: 'in-bucket',
      key: KEY,
      etag: 'b'.repeat(32),
      sequencer: '0000000000000000B0',
    };
    const older = { ...newer, etag: 'a'.repeat(32), sequencer: '0000000000000000A0' };

    const first = await writeOutcome(services, OUTPUT, newer, {
      kind: 'result',
      body: '{"v":2}',
      requestId: 'r2',
    });
    const second = await writeOutcome(services, OUTPUT, older, {
      kind: 'failure',
      body: '{"v":1}',
      requestId: 'r1',
    });

    expect([first, second]).toEqual(['written', 'stale']);
    const { body, metadata } = await services.objects.get(OUTPUT, `results/${KEY}.json`);
    expect(body.toString()).toBe('{"v":2}');
    expect(metadata.userMetadata[OUTPUT_METADATA.sourceEtag]).toBe(newer.etag);
    expect(await services.objects.head(OUTPUT, `failures/${KEY}.json`)).toBeUndefined();
  });
});

describe.skipIf(!existsSync(CASES))('re-uploads and stale events on the platform', () => {
  it('gives a re-upload with new bytes a new result, and ignores the old version’s late event', async () => {
    const stack = await openTestStack({ handlers: { page: DETECT_ONLY_PAGE } });
    const { platform } = stack;
    const v1 = await platform.objects.put(
      'lectern-input',
      KEY,
      readFileSync(join(CASES, 'c30-no-text.jpg')),
    );
    await platform.waitForIdle();
    const v2 = await platform.objects.put(
      'lectern-input',
      KEY,
      readFileSync(join(CASES, 'c36-duplicate-delivery.jpg')),
    );
    await platform.waitForIdle();

    const late = createObjectCreatedEvent(v1, {
      configurationId: 'lectern-upload',
      sequencer: '000000000000000001',
    });
    const outcome = (await platform.invoke('lectern-ocr', late)).payload;

    expect(outcome).toEqual([{ key: KEY, action: 'ignored', reason: 'superseded' }]);
    const result = await platform.objects.head(OUTPUT, `results/${KEY}.json`);
    expect(result?.userMetadata[OUTPUT_METADATA.sourceEtag]).toBe(v2.etag);
    expect(v2.etag).not.toBe(v1.etag);
    expect(platform.records.query({ functionName: 'lectern-page' })).toHaveLength(2);
  });

  it('indexes bytes uploaded again after the key held others as a new reading (v1, v2, v1)', async () => {
    const stack = await openTestStack({ handlers: { page: DETECT_ONLY_PAGE } });
    const { platform } = stack;
    const index = ResultsIndex.open(join(stack.stateDir, 'results.db'));
    dirs.push(stack.stateDir);
    const target = { platform, index, outputBucket: OUTPUT };
    const first = readFileSync(join(CASES, 'c30-no-text.jpg'));
    const upload = async (bytes: Buffer) => {
      const version = await platform.objects.put('lectern-input', KEY, bytes);
      await platform.waitForIdle();
      await syncResultsIndex(target);
      return version;
    };
    try {
      const v1 = await upload(first);
      const before = index.get('lectern-input', KEY, v1.etag);
      await upload(readFileSync(join(CASES, 'c36-duplicate-delivery.jpg')));
      const again = await upload(first);

      expect(again.etag).toBe(v1.etag);
      const output = await platform.objects.head(OUTPUT, `results/${KEY}.json`);
      const latest = output?.userMetadata[OUTPUT_METADATA.requestId];
      expect(latest).toBeDefined();
      expect(latest).not.toBe(before?.requestId);
      const entry = index.get('lectern-input', KEY, v1.etag);
      expect(entry).toMatchObject({ status: 'succeeded', requestId: latest });
      expect(entry?.uploadedAt).toBeGreaterThan(before?.finishedAt ?? Number.POSITIVE_INFINITY);
    } finally {
      index.close();
    }
  });

  it('fails a document whose tile keeps failing, naming the tile and why', async () => {
    const failingDetect = fileURLToPath(new URL('./fixtures/failing-detect.mjs', import.meta.url));
    const stack = await openTestStack({
      handlers: { page: DETECT_ONLY_PAGE, detect: failingDetect },
    });
    await stack.platform.objects.put(
      'lectern-input',
      KEY,
      readFileSync(join(CASES, 'c36-duplicate-delivery.jpg')),
    );
    await stack.platform.waitForIdle();

    const { body } = await stack.platform.objects.get(OUTPUT, `failures/${KEY}.json`);
    const failure = JSON.parse(body.toString());
    expect(failure.error.code).toBe('DETECTION_FAILED');
    expect(failure.error.details).toMatchObject({ page: 1, tile: 1, reason: 'HANDLER_ERROR' });
    expect(failure.error.message).toContain('tile 1');
    expect(failure.error.message).toContain('ran out of patience');
    expect(await stack.platform.objects.list(OUTPUT, 'results/')).toEqual([]);
  });
});
