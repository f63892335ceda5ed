/**
 * @module The page `lectern lab fanout` measures: its size, the tiles the detection plan cuts
 * it into, and whether it suits the experiment at all.
 */
import { planPage } from '../document/detect-page.js';
import { loadPages } from '../document/pages.js';
import type { TileGrid } from '../document/tiles.js';
import { LabError } from './errors.js';
import type { FanoutResult } from './fanout-report.js';

/** The page's facts that the experiment reports. */
export type PageFacts = FanoutResult['page'];

/**
 * Size, tiles and suitability of the page in `bytes`: one page, read by OCR (a PDF page with
 * a trusted text layer would skip detection, and with it everything measured here).
 */
export async function describePage(
  bytes: Uint8Array,
  file: string,
  grid: TileGrid,
): Promise<PageFacts> {
  const loaded = await loadPages(bytes, { document: file });
  const iterator = loaded.pages[Symbol.asyncIterator]();
  const first = await iterator.next();
  await iterator.return?.();
  if (first.done || loaded.pageCount !== 1) {
    throw new LabError('NOT_ONE_OCR_PAGE', `needs one page; this has ${loaded.pageCount}`, {
      file,
    });
  }
  if (first.value.textLayer) {
    throw new LabError(
      'NOT_ONE_OCR_PAGE',
      'its page has a text layer, read without detection: give an image or a scan',
      { file },
    );
  }
  const { raster } = first.value;
  const tiles = planPage(raster, { grid }).tiles.length;
  return { file, width: raster.width, height: raster.height, grid, tiles };
}
