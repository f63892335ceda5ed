/**
 * The first page of an image or PDF file as a raster, decoded by the pages stage itself, so that
 * benchmarks and model tests see exactly the pixels `lectern read` would.
 */
import { readFile } from 'node:fs/promises';
import { DocumentError } from '../document/errors.js';
import { loadPages } from '../document/pages.js';
import type { Raster } from '../document/raster.js';

export async function firstPageRaster(path: string): Promise<Raster> {
  const loaded = await loadPages(await readFile(path), { document: path });
  for await (const page of loaded.pages) return page.raster;
  throw new DocumentError('NO_PAGES', 'the document has no pages', { document: path });
}
