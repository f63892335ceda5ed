/**
 * The pixel budget: how large a page raster may be. It is counted in bytes of raster (RGB
 * pixels x 3), so that a gray page, a third of the memory per pixel, may keep three times the
 * pixels: a 144-megapixel gray scan stays sharp while a colour one of that size is downscaled.
 */
import { DocumentError } from '../errors.js';
import { type LoadOptions, PAGE_LIMITS } from './types.js';

/** The resolved limits of one {@link loadPages} call. */
export interface PageBudget {
  /** Largest page raster in bytes (`maxPixels` x 3). */
  maxRasterBytes: number;
  maxPages: number;
}

/** Validated limits from the options, defaults filled in. */
export function resolveBudget(options: LoadOptions): PageBudget {
  const maxPixels = options.maxPixels ?? PAGE_LIMITS.defaultMaxPixels;
  const maxPages = options.maxPages ?? PAGE_LIMITS.defaultMaxPages;
  requirePositiveInteger('maxPixels', maxPixels, options.document);
  requirePositiveInteger('maxPages', maxPages, options.document);
  return { maxRasterBytes: maxPixels * 3, maxPages };
}

function requirePositiveInteger(name: string, value: number, document: string): void {
  if (Number.isSafeInteger(value) && value > 0) return;
  throw new DocumentError(
    'INVALID_OPTION',
    `option ${name} must be a positive integer, received ${String(value)}`,
    { document, details: { option: name, value } },
  );
}

/**
 * The largest factor (at most 1) by which a `width` x `height` raster with `channels` channels
 * fits the budget, checked on the rounded result so that rounding never overshoots.
 */
export function budgetScale(
  width: number,
  height: number,
  channels: number,
  budget: PageBudget,
): number {
  const bytes = width * height * channels;
  if (bytes <= budget.maxRasterBytes) return 1;

  let scale = Math.sqrt(budget.maxRasterBytes / bytes);
  while (scaledBytes(width, height, channels, scale) > budget.maxRasterBytes) scale *= 0.999;
  return scale;
}

function scaledBytes(width: number, height: number, channels: number, scale: number): number {
  return (
    Math.max(1, Math.round(width * scale)) * Math.max(1, Math.round(height * scale)) * channels
  );
}

/** Throws TOO_MANY_PAGES when `pageCount` exceeds the budget. */
export function checkPageCount(pageCount: number, budget: PageBudget, document: string): void {
  if (pageCount <= budget.maxPages) return;
  throw new DocumentError(
    'TOO_MANY_PAGES',
    `the document has ${pageCount} pages, more than the limit of ${budget.maxPages}`,
    { document, details: { pageCount, maxPages: budget.maxPages } },
  );
}
