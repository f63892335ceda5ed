/**
 * @module One page handed from the OCR function to the page function: the page's raster and
 * its facts (rotation, scale, text layer...) go onto the shared volume; the invocation carries
 * only where they are. The page's result comes back the same way.
 */
import type { Page } from '../../document/pages.js';
import type { PageResult } from '../../document/result.js';
import type { TileGrid } from '../../document/tiles.js';
import type { SharedVolume } from '../../platform/storage/shared-volume.js';
import { type RasterRef, readJson, readRaster, writeJson, writeRaster } from './volume-files.js';

/** The page function's event. */
export interface PageEvent {
  /** The document's key, named in errors and logs. */
  document: string;
  /** Volume folder of this page: its raster, facts, tiles and result. */
  pageDir: string;
  raster: RasterRef;
  detection: { grid: TileGrid; overlap?: number };
}

/** The page function's answer: where its result is, or why there is none. */
export type PageResponse =
  | {
      /** Volume path of the PageResult JSON. */
      resultPath: string;
      /** Milliseconds per stage (detection, orientation, recognition, layout). */
      timings: Record<string, number>;
    }
  | {
      /**
       * A failure reading the page, returned rather than thrown so that its code
       * (DETECTION_FAILED, PAGE_TOO_LARGE...) reaches the OCR function intact.
       */
      error: { code: string; message: string; details?: Record<string, unknown> };
    };

type PageFacts = Omit<Page, 'raster'>;

/** Puts `page` on the volume under `pageDir`; returns the page function's event. */
export async function writePageTask(
  volume: SharedVolume,
  document: string,
  pageDir: string,
  page: Page,
  detection: PageEvent['detection'],
): Promise<PageEvent> {
  const { raster, ...facts } = page;
  const ref = await writeRaster(volume, `${pageDir}/page.raw`, raster);
  await writeJson(volume, `${pageDir}/page.json`, facts);
  return { document, pageDir, raster: ref, detection };
}

/** The page an event refers to, read back from the volume. */
export async function readPageTask(volume: SharedVolume, event: PageEvent): Promise<Page> {
  const facts = await readJson<PageFacts>(volume, `${event.pageDir}/page.json`);
  return { ...facts, raster: await readRaster(volume, event.raster) };
}

/** Stores a page's result on the volume; returns the response naming it. */
export async function writePageResult(
  volume: SharedVolume,
  event: PageEvent,
  result: PageResult,
  timings: Record<string, number>,
): Promise<PageResponse> {
  const resultPath = `${event.pageDir}/result.json`;
  await writeJson(volume, resultPath, result);
  return { resultPath, timings };
}
