/**
 * Real models on truncated copies of the shipped sample PNGs: only what is in the file is read,
 * and nothing is read twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Reader } from '../../../src/document/read.js';
import { type DocumentResult, pageLines } from '../../../src/document/result.js';
import { AWS, OYO, rowsInFile } from './truncation.js';

/** How often each line text occurs, compared without case and spaces. */
function lineCounts(result: DocumentResult): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of result.pages.flatMap(pageLines)) {
    const text = line.text.toLowerCase().replace(/\s+/g, '');
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  return counts;
}

describe('Reader on truncated PNG files', () => {
  let reader: Reader;

  beforeAll(async () => {
    reader = await Reader.create();
  });

  afterAll(async () => {
    await reader?.close();
  });

  it.each([
    ['i2d_oyo.png cut at 20,000 bytes', OYO, 20_000],
    ['i2d_oyo.png cut at 128,000 bytes', OYO, 128_000],
    ['i2d_AmazonWebServices.png cut in half', AWS, Math.floor(AWS.length / 2)],
  ])('%s: reads no line below the rows in the file and none twice', async (_, png, bytes) => {
    const cut = png.subarray(0, bytes);

    const truncated = await reader.read(cut, { document: 'cut.png' });
    const whole = await reader.read(png, { document: 'whole.png' });

    const page = truncated.pages[0];
    const lines = truncated.pages.flatMap(pageLines);
    const wholeCounts = lineCounts(whole);
    const repeated = [...lineCounts(truncated)].filter(([, count]) => count > 1);
    expect(page?.partial).toMatch(/truncated/);
    expect(page?.rotation).toBe(0);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.box.y).toBeLessThan(rowsInFile(cut));
    for (const [text, count] of repeated) {
      expect(count, text).toBeLessThanOrEqual(wholeCounts.get(text) ?? 0);
    }
  });
});
