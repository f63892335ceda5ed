/**
 * Large pages read one after another do not pile up. Vitest runs each test file in its own
 * child process (pool 'forks'), and Linux lets a process reset its peak resident set size
 * (/proc/self/clear_refs), so the peak is that of the second decode alone.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { loadPages } from '../../src/document/pages.js';

const MB = 1024 * 1024;
const canResetPeak = process.platform === 'linux';

function statusMegabytes(field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'mu').exec(status);
  return Number(match?.[1]) / 1024;
}

/** A 6000 x 4000 colour JPEG: a 72 MB RGB raster once decoded. */
function largeScan(): Promise<Buffer> {
  return sharp({
    create: { width: 6000, height: 4000, channels: 3, background: { r: 250, g: 248, b: 240 } },
  })
    .jpeg()
    .toBuffer();
}

/** Decodes the page and lets go of it, as a Reader does once the page is read. */
async function decodeAndDrop(bytes: Buffer): Promise<number> {
  const loaded = await loadPages(bytes, { document: 'scan.jpg' });
  let size = 0;
  for await (const page of loaded.pages) size = page.raster.data.length;
  return size;
}

describe.skipIf(!canResetPeak)('memory of large pages read in turn', () => {
  it('a large page decoded after another does not hold both rasters at once', async () => {
    const bytes = await largeScan();
    const rasterMb = (await decodeAndDrop(bytes)) / MB;
    // The first raster is unreferenced now, but still resident until V8 collects it.
    writeFileSync('/proc/self/clear_refs', '5');
    const before = statusMegabytes('VmRSS');

    await decodeAndDrop(bytes);

    expect(rasterMb).toBeGreaterThan(64);
    expect(statusMegabytes('VmHWM') - before).toBeLessThan(rasterMb / 2);
  });
});
