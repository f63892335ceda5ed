import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectPage } from '../../src/document/detect-page.js';
import { TextDetector } from '../../src/document/detection.js';
import { loadPages } from '../../src/document/pages.js';
import { DetectorPool } from '../../src/workflows/deep-reader/detector-pool.js';
import { SROIE } from './helpers.js';

describe.skipIf(!existsSync(SROIE))('the on-premise detector pool', () => {
  it('detects a page’s tiles in parallel threads with the boxes one detector finds', async () => {
    const bytes = readFileSync(join(SROIE, 'img', '000.jpg'));
    const { pages } = await loadPages(bytes, { document: '000.jpg' });
    const page = (await pages[Symbol.asyncIterator]().next()).value;
    const options = { grid: { rows: 3, cols: 3 } };
    const pool = await DetectorPool.start(2, 1);
    const detector = await TextDetector.load({ threads: 1 });
    try {
      const pooled = await pool.pageDetection()(page.raster, options);
      const alone = await detectPage(detector, page.raster, options);

      expect(pooled.length).toBeGreaterThan(20);
      expect(pooled.map((b) => b.box)).toEqual(alone.map((b) => b.box));
    } finally {
      await Promise.all([pool.close(), detector.dispose()]);
    }
  });
});
