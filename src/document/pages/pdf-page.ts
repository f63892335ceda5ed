/**
 * One PDF page to a {@link Page}: choose the resolution from the page's content, fit it to the
 * pixel budget, render, and take the text layer when it can be trusted.
 *
 * A page too large for the budget at that resolution (a 200 x 200 inch sheet holding a receipt)
 * is first looked at in a small overview render; when its ink occupies less than half of it,
 * only the inked window is rendered (recorded in `crop`), at full resolution if that fits.
 * Otherwise the resolution is lowered to fit, down to {@link PAGE_LIMITS.minPdfDpi}; below
 * that the page is refused with PAGE_TOO_LARGE.
 */
import type { PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { DocumentError } from '../errors.js';
import type { PageBudget } from './budget.js';
import { findImagePlacements, type Matrix, type PlacementOps } from './pdf-placements.js';
import { type CanvasFactory, findInkRegion, type Region, renderRegion } from './pdf-render.js';
import { type Bounds, chooseResolution } from './pdf-resolution.js';
import {
  itemBounds,
  type PdfTextItem,
  type PdfTextStyle,
  textItemsOf,
  textLayerWords,
} from './text-layer.js';
import { judgeTextLayer } from './text-trust.js';
import { PAGE_LIMITS, type Page } from './types.js';

/** What every page of one document shares. */
export interface PdfPageContext {
  document: string;
  budget: PageBudget;
  forceOcr: boolean;
  ops: PlacementOps;
  /** pdf.js's own canvas factory (see pdf-render.ts for why). */
  canvases: CanvasFactory;
}

/** Bytes per pixel the budget is counted in (RGB). */
const BUDGET_CHANNELS = 3;
/** A window is rendered instead of the page only when the ink fills less than this share. */
const CROP_WORTH = 0.5;

interface RenderPlan {
  dpi: number;
  region: Region;
  crop?: Page['crop'];
}

/** Renders page `index` (0-based) of an open pdf.js document. */
export async function buildPdfPage(
  page: PDFPageProxy,
  index: number,
  context: PdfPageContext,
): Promise<Page> {
  const rotation = normaliseRotation(page.rotate);
  const textContent = await page.getTextContent();
  const items = textItemsOf(textContent);
  const styles = textContent.styles as Record<string, PdfTextStyle>;

  const placements = findImagePlacements(await page.getOperatorList(), context.ops);
  const textBounds = items
    .map((item) => itemBounds(item, styles[item.fontName] ?? {}))
    .filter((b): b is Bounds => b !== undefined);
  const { dpi } = chooseResolution(placements, textBounds, page.userUnit);

  const plan = await planRender(page, index, rotation, dpi, context);
  const scale = plan.dpi / 72;
  const { raster, viewport } = await renderRegion(
    page,
    context.canvases,
    rotation,
    scale,
    plan.region,
  );

  return {
    index,
    raster,
    rotation,
    rotationSource: rotation === 0 ? 'none' : 'pdf',
    scale,
    dpi: plan.dpi,
    ...(plan.crop ? { crop: plan.crop } : {}),
    ...textLayerOf(items, styles, viewport.transform as Matrix, raster, context),
  };
}

function textLayerOf(
  items: PdfTextItem[],
  styles: Record<string, PdfTextStyle>,
  toRaster: Matrix,
  raster: Page['raster'],
  context: PdfPageContext,
): Pick<Page, 'textLayer'> {
  if (context.forceOcr || items.length === 0) return {};
  const words = textLayerWords(items, styles, toRaster);
  // The verdict's reason is not carried on the Page (the contract has no field for it); a page
  // without textLayer is simply OCR'd.
  return judgeTextLayer(words, raster).trusted ? { textLayer: words } : {};
}

async function planRender(
  page: PDFPageProxy,
  index: number,
  rotation: Page['rotation'],
  dpi: number,
  context: PdfPageContext,
): Promise<RenderPlan> {
  const size = page.getViewport({ scale: 1, rotation });
  const whole: Region = { x: 0, y: 0, width: size.width, height: size.height };
  if (fits(whole, dpi, context.budget)) return { dpi, region: whole };

  const ink = await findInkRegion(page, context.canvases, rotation);
  const useWindow = ink !== undefined && area(ink) < CROP_WORTH * area(whole);
  const region = useWindow ? ink : whole;
  const fitted = Math.min(dpi, largestDpi(region, context.budget));
  if (fitted < PAGE_LIMITS.minPdfDpi) throw tooLarge(context, index, whole, region, fitted);

  if (!useWindow) return { dpi: fitted, region };
  const scale = fitted / 72;
  const crop = {
    x: Math.round(region.x * scale),
    y: Math.round(region.y * scale),
    pageWidth: Math.round(whole.width * scale),
    pageHeight: Math.round(whole.height * scale),
  };
  return { dpi: fitted, region, crop };
}

function fits(region: Region, dpi: number, budget: PageBudget): boolean {
  const scale = dpi / 72;
  const pixels = Math.round(region.width * scale) * Math.round(region.height * scale);
  return pixels * BUDGET_CHANNELS <= budget.maxRasterBytes;
}

/** The highest resolution at which `region` fits the budget (rounding kept on the safe side). */
function largestDpi(region: Region, budget: PageBudget): number {
  const pixels = budget.maxRasterBytes / BUDGET_CHANNELS;
  return Math.floor(72 * Math.sqrt(pixels / area(region)) * 0.999 * 100) / 100;
}

function area(region: Region): number {
  return region.width * region.height;
}

function normaliseRotation(rotate: number): Page['rotation'] {
  const degrees = (((rotate % 360) + 360) % 360) as number;
  return degrees === 90 || degrees === 180 || degrees === 270 ? degrees : 0;
}

function tooLarge(
  context: PdfPageContext,
  index: number,
  whole: Region,
  region: Region,
  dpi: number,
): DocumentError {
  const inches = (r: Region) => `${Math.round(r.width / 72)} x ${Math.round(r.height / 72)} in`;
  const inked = region === whole ? '' : ` (inked part ${inches(region)})`;
  return new DocumentError(
    'PAGE_TOO_LARGE',
    `page ${index + 1} is ${inches(whole)}${inked}: within the pixel budget it could only be rendered at ${Math.floor(dpi)} dpi, below the minimum of ${PAGE_LIMITS.minPdfDpi}`,
    {
      document: context.document,
      details: { page: index, widthPt: whole.width, heightPt: whole.height, dpi },
    },
  );
}
