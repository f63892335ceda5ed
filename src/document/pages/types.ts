/**
 * The shapes that leave the pages stage: one {@link Page} per page of a document, each holding
 * an upright raster that the later stages (tiles, detection, recognition) read.
 */
import type { Box } from '../geometry.js';
import type { Raster } from '../raster.js';

/** The formats Lectern decodes. Anything else is refused with UNSUPPORTED_FORMAT. */
export type DocumentFormat = 'jpeg' | 'png' | 'tiff' | 'webp' | 'pdf';

/** A word taken straight from a digital PDF's own text layer. */
export interface TextLayerWord {
  text: string;
  /** In raster pixels of the upright page. */
  box: Box;
}

/**
 * Where a raster sits on a page too large to rasterise whole within the pixel budget (a 200-inch
 * PDF page with a receipt in the middle): only the inked part was rendered. All in raster pixels.
 */
export interface PageCrop {
  /** Left edge of the raster within the whole upright page. */
  x: number;
  /** Top edge of the raster within the whole upright page. */
  y: number;
  /** Width of the whole upright page at the same scale. */
  pageWidth: number;
  /** Height of the whole upright page at the same scale. */
  pageHeight: number;
}

/** One decoded page. */
export interface Page {
  /** 0-based page number in the document. */
  index: number;
  /** Upright, alpha flattened onto white, 8-bit gray or RGB. */
  raster: Raster;
  /**
   * Clockwise degrees Lectern applied to make the page upright. A mirrored EXIF orientation
   * (2, 4, 5, 7) is also un-mirrored, which this field cannot express.
   */
  rotation: 0 | 90 | 180 | 270;
  rotationSource: 'none' | 'exif' | 'pdf';
  /** Raster pixels per source pixel (images) or per PDF point (PDF). */
  scale: number;
  /** Resolution of the raster, when known (images with a stored density; always for PDF). */
  dpi?: number;
  /** Set when only part of the page could be decoded: says why and how much is missing. */
  partial?: string;
  /** Set when the raster is only the inked window of an oversized page. */
  crop?: PageCrop;
  /**
   * Words of a digital PDF page whose text layer is trustworthy (and OCR not forced); the
   * pipeline may then skip OCR for this page. Unset for images, scans and garbage text layers.
   */
  textLayer?: TextLayerWord[];
}

/** Options of {@link loadPages}. */
export interface LoadOptions {
  /** The document's name or key: every error message names it. */
  document: string;
  /** User password of an encrypted PDF. */
  password?: string;
  /**
   * Pixel budget of one page raster, counted in RGB pixels (3 bytes each); a gray raster, a
   * third of the size per pixel, may hold three times as many. Default 50 000 000, i.e. a page
   * raster never exceeds 150 MB. Larger pages are decoded downscaled (recorded in `scale`);
   * see {@link PAGE_LIMITS} for the hard limits beyond which a page is refused.
   */
  maxPixels?: number;
  /** Most pages a document may have; more gives TOO_MANY_PAGES. Default 500. */
  maxPages?: number;
  /** Ignore PDF text layers, so that every page is OCR'd. Default false. */
  forceOcr?: boolean;
}

/** What {@link loadPages} returns: the pages are decoded lazily, one at a time. */
export interface LoadedDocument {
  format: DocumentFormat;
  pageCount: number;
  /**
   * Decodes page after page as it is iterated; a page's raster is released when the consumer
   * drops it. Iterate to the end (or `break`, which closes it): a PDF stays open until then.
   */
  pages: AsyncIterable<Page>;
}

/** Hard limits and defaults of the pages stage, in one place. */
export const PAGE_LIMITS = {
  /** Default `maxPixels`: 50 MP of RGB (150 MB) per page raster. */
  defaultMaxPixels: 50_000_000,
  /** Default `maxPages`. */
  defaultMaxPages: 500,
  /**
   * An image needing a downscale below this factor to fit the budget is refused with
   * PAGE_TOO_LARGE: text shrunk four times or more is no longer readable.
   */
  minImageScale: 0.25,
  /**
   * A PDF page (or its inked part) that cannot be rendered at this resolution or more within
   * the budget is refused with PAGE_TOO_LARGE: 1 pixel per point is the least a 10-point line of
   * text can be read at.
   */
  minPdfDpi: 72,
} as const;
