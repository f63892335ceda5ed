/**
 * Stage 1 of the pipeline: a document's bytes to upright page rasters.
 *
 * The type is sniffed from the bytes (never the name). Images (JPEG, PNG, TIFF with every page,
 * WebP) are decoded with sharp; PDFs are rendered with pdf.js at a resolution chosen from each
 * page's content, and a digital page with a trustworthy text layer also carries its words.
 * Pages are produced lazily, one at a time, within a pixel budget (see {@link LoadOptions}).
 *
 * @example
 * const { format, pageCount, pages } = await loadPages(bytes, { document: 'receipt.jpg' });
 * for await (const page of pages) detect(page.raster);
 *
 * @module
 */
import { resolveBudget } from './pages/budget.js';
import { loadImagePages } from './pages/image.js';
import { loadPdfPages } from './pages/pdf.js';
import { sniffFormat } from './pages/sniff.js';
import type { LoadedDocument, LoadOptions } from './pages/types.js';

export { sniffFormat } from './pages/sniff.js';
export {
  type DocumentFormat,
  type LoadedDocument,
  type LoadOptions,
  PAGE_LIMITS,
  type Page,
  type PageCrop,
  type TextLayerWord,
} from './pages/types.js';

/**
 * Opens a document and returns its format, its page count and its pages as an async iterable
 * that decodes one page per step.
 *
 * Document-level failures are thrown here (EMPTY_DOCUMENT before any decoding,
 * UNSUPPORTED_FORMAT, CORRUPT_IMAGE, CORRUPT_PDF, ENCRYPTED_PDF, WRONG_PASSWORD, NO_PAGES,
 * TOO_MANY_PAGES, INVALID_OPTION); page-level ones (CORRUPT_IMAGE, TRUNCATED_IMAGE, CORRUPT_PDF,
 * PAGE_TOO_LARGE) are thrown by the iteration, with the page in `details.page`. Every error is
 * a DocumentError naming `options.document`, with the underlying error as `cause`.
 */
export async function loadPages(bytes: Uint8Array, options: LoadOptions): Promise<LoadedDocument> {
  const format = sniffFormat(bytes, options.document);
  const budget = resolveBudget(options);

  if (format === 'pdf') {
    return loadPdfPages(
      bytes,
      {
        document: options.document,
        forceOcr: options.forceOcr ?? false,
        ...(options.password === undefined ? {} : { password: options.password }),
      },
      budget,
    );
  }
  return loadImagePages(bytes, format, options.document, budget);
}
