/**
 * The resolution a PDF page is rendered at, chosen from what the page holds:
 * - a scan (raster images cover at least {@link PDF_RESOLUTION.scanShare} of the page's
 *   content) is rendered at the scan's own resolution, so no pixel of it is lost and none is
 *   invented needlessly; when it also carries visible text, at no less than the default;
 * - anything else (born-digital text and vector graphics) at the default of 300 dpi, enough for
 *   8-point print to be recognised.
 * The pixel budget may lower either afterwards (see pdf-page.ts).
 */
import type { ImagePlacement } from './pdf-placements.js';

/** Resolution rules, in dots per inch. */
export const PDF_RESOLUTION = {
  /** For born-digital pages. */
  defaultDpi: 300,
  /** A low-resolution scan is still rendered at least this fine. */
  minScanDpi: 150,
  /** No scan is rendered finer than this. */
  maxDpi: 1200,
  /** Share of the content's bounding box that images must cover for a page to be a scan. */
  scanShare: 0.3,
} as const;

/** Bounds [x0, y0, x1, y1] in PDF user space. */
export type Bounds = [number, number, number, number];

/** Why a resolution was chosen; recorded for diagnostics. */
export interface ResolutionChoice {
  dpi: number;
  source: 'scan' | 'default';
}

/**
 * The render resolution of a page from its image placements and the bounds of its text runs.
 * `userUnit` is the size of one PDF unit in points (1 almost always).
 */
export function chooseResolution(
  placements: ImagePlacement[],
  textBounds: Bounds[],
  userUnit = 1,
): ResolutionChoice {
  const images = placements.filter((p) => p.dpi > 0);
  const content = unionBounds([...images.map((p) => p.bounds), ...textBounds]);
  if (!content || images.length === 0) return defaultChoice();

  const contentArea = (content[2] - content[0]) * (content[3] - content[1]);
  const imageArea = images.reduce((sum, p) => sum + p.area, 0);
  if (imageArea < PDF_RESOLUTION.scanShare * contentArea) return defaultChoice();

  const scanDpi = weightedMedianDpi(images) / userUnit;
  const floor = textBounds.length > 0 ? PDF_RESOLUTION.defaultDpi : PDF_RESOLUTION.minScanDpi;
  return { dpi: Math.min(PDF_RESOLUTION.maxDpi, Math.max(floor, scanDpi)), source: 'scan' };
}

function defaultChoice(): ResolutionChoice {
  return { dpi: PDF_RESOLUTION.defaultDpi, source: 'default' };
}

/** The dpi at which half the placed image area is finer and half coarser. */
function weightedMedianDpi(images: ImagePlacement[]): number {
  const sorted = [...images].sort((a, b) => a.dpi - b.dpi);
  const half = sorted.reduce((sum, p) => sum + p.area, 0) / 2;
  let seen = 0;
  for (const placement of sorted) {
    seen += placement.area;
    if (seen >= half) return placement.dpi;
  }
  return sorted[sorted.length - 1]?.dpi ?? PDF_RESOLUTION.defaultDpi;
}

function unionBounds(all: Bounds[]): Bounds | undefined {
  if (all.length === 0) return undefined;
  return all.reduce((u, b) => [
    Math.min(u[0], b[0]),
    Math.min(u[1], b[1]),
    Math.max(u[2], b[2]),
    Math.max(u[3], b[3]),
  ]);
}
