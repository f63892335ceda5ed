/**
 * Memory bounds of the oversized cases. Vitest runs each test file in its own child process
 * (pool 'forks'), so the peak resident set size of this process is that of these decodes plus
 * the test runner's own baseline, which is measured first.
 */
import { describe, expect, it } from 'vitest';
import { firstPage, hasCases, readCase } from './helpers.js';

const MB = 1024 * 1024;

/** Peak resident set size of this process so far, in MB. */
function peakRss(): number {
  return (process.resourceUsage().maxRSS * 1024) / MB;
}

describe.skipIf(!hasCases)('memory of oversized pages', () => {
  it('c17: a 200 x 200 inch PDF page renders within 300 MB', async () => {
    const before = process.memoryUsage().rss / MB;

    const page = await firstPage(readCase('c17-huge-mediabox.pdf'));

    expect(page.crop).toBeDefined();
    // Rendered whole at its 200 dpi it would be 1.6 gigapixels (4.8 GB of RGB).
    expect(peakRss() - before).toBeLessThan(300);
  });

  it('c25: a 144-megapixel gray PNG decodes within 144 MB of raster plus 150 MB', async () => {
    const before = process.memoryUsage().rss / MB;

    const page = await firstPage(readCase('c25-12000x12000-mostly-blank.png'));

    expect(page.raster.data.length).toBe(144_000_000);
    expect(peakRss() - before).toBeLessThan(144 + 150);
  });
});
