import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Raster } from '../../src/document/raster.js';
import type { Services } from '../../src/platform/function.js';
import { LocalSharedVolume } from '../../src/platform/storage/shared-volume.js';
import { remoteDetection } from '../../src/workflows/deep-reader/remote-detection.js';

const page: Raster = {
  width: 1200,
  height: 1200,
  channels: 1,
  data: Buffer.alloc(1200 * 1200, 255),
};
const nineTiles = { grid: { rows: 3, cols: 3 }, minTileShare: 0 };

describe('the fan-out of a page’s tiles to the detection function', () => {
  let root: string;
  let inFlight: number;
  let most: number;
  let calls: number;
  let services: Services;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'lectern-fanout-'));
    inFlight = 0;
    most = 0;
    calls = 0;
    services = {
      volume: new LocalSharedVolume(root),
      objects: undefined as never,
      invoke: async () => {
        calls += 1;
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 10));
        inFlight -= 1;
        return { boxes: [] };
      },
    };
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const detect = (concurrency?: number) =>
    remoteDetection({
      services,
      detectFunction: 'lectern-detect',
      workDir: 'work/doc/page-1',
      pageNumber: 1,
      document: 'doc.png',
      ...(concurrency === undefined ? {} : { concurrency }),
    });

  it('invokes every tile at once by default', async () => {
    await detect()(page, nineTiles);
    expect(calls).toBe(9);
    expect(most).toBe(9);
  });

  it('keeps at most `concurrency` tiles in flight, and still detects them all', async () => {
    await detect(2)(page, nineTiles);
    expect(calls).toBe(9);
    expect(most).toBe(2);
  });
});
