/**
 * PDF documents to pages, with pdf.js (legacy build, for Node) drawing on @napi-rs/canvas.
 *
 * pdf.js runs in this thread (its "fake worker") and never touches the network: fonts, CMaps,
 * ICC profiles and the JPEG 2000 / JBIG2 decoders are read from the pdfjs-dist package folders
 * on disk. `eval` is disabled, since the PDF is untrusted input.
 */

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { DocumentError } from '../errors.js';
import { checkPageCount, type PageBudget } from './budget.js';
import { buildPdfPage, type PdfPageContext } from './pdf-page.js';
import type { CanvasFactory } from './pdf-render.js';
import type { LoadedDocument, Page } from './types.js';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

let pdfjsModule: Promise<PdfJs> | undefined;

/** pdf.js is large: it is imported on the first PDF only, so image-only use never pays for it. */
function loadPdfJs(): Promise<PdfJs> {
  pdfjsModule ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjsModule;
}

/** The package's data folders, as the trailing-slash paths pdf.js expects. */
function packageFolders(): Record<string, string> {
  const root = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
  const folder = (name: string) => `${join(root, name)}/`;
  return {
    standardFontDataUrl: folder('standard_fonts'),
    cMapUrl: folder('cmaps'),
    iccUrl: folder('iccs'),
    wasmUrl: folder('wasm'),
  };
}

/** Options of a PDF load, beyond the budget. */
export interface PdfLoadOptions {
  document: string;
  password?: string;
  forceOcr: boolean;
}

/** Opens a PDF; its pages are rendered one at a time as they are iterated. */
export async function loadPdfPages(
  bytes: Uint8Array,
  options: PdfLoadOptions,
  budget: PageBudget,
): Promise<LoadedDocument> {
  const pdfjs = await loadPdfJs();
  const pdf = await openPdf(pdfjs, bytes, options, budget);
  try {
    if (pdf.numPages === 0) {
      throw new DocumentError('NO_PAGES', 'the PDF has no pages', { document: options.document });
    }
    checkPageCount(pdf.numPages, budget, options.document);
  } catch (error) {
    await pdf.destroy();
    throw error;
  }

  const context: PdfPageContext = {
    document: options.document,
    budget,
    forceOcr: options.forceOcr,
    ops: pdfjs.OPS,
    canvases: pdf.canvasFactory as CanvasFactory,
  };
  return { format: 'pdf', pageCount: pdf.numPages, pages: renderPages(pdf, context) };
}

async function openPdf(
  pdfjs: PdfJs,
  bytes: Uint8Array,
  options: PdfLoadOptions,
  budget: PageBudget,
): Promise<PDFDocumentProxy> {
  const task = pdfjs.getDocument({
    // pdf.js takes ownership of (and may detach) the buffer it is given: hand it a copy.
    data: new Uint8Array(bytes),
    ...(options.password ? { password: options.password } : {}),
    ...packageFolders(),
    isEvalSupported: false,
    useSystemFonts: false,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
    // An embedded image larger than two page budgets is dropped by pdf.js rather than decoded
    // (pdf.js holds it as 4 bytes per pixel); such a page renders without it.
    maxImageSize: Math.floor((budget.maxRasterBytes / 3) * 2),
  });
  try {
    return await task.promise;
  } catch (cause) {
    await task.destroy().catch(() => undefined);
    throw openError(cause, options);
  }
}

function openError(cause: unknown, options: PdfLoadOptions): DocumentError {
  const document = options.document;
  const name = (cause as { name?: string } | undefined)?.name;
  const code = (cause as { code?: number } | undefined)?.code;
  // An empty password is no password, so the answer is that one is needed, not that it is
  // wrong. The message names the CLI's one way to give it: the failure also reaches users of
  // `run` and `serve`, whose documents arrive without one.
  if (name === 'PasswordException' && !options.password) {
    return new DocumentError(
      'ENCRYPTED_PDF',
      'the PDF is encrypted and needs its password: read it with ' +
        '`lectern read --password <password>` (run and serve cannot take one)',
      { document, cause },
    );
  }
  if (name === 'PasswordException') {
    const message = code === 2 ? 'the password is wrong' : 'a password is required';
    return new DocumentError('WRONG_PASSWORD', `the PDF is encrypted and ${message}`, {
      document,
      cause,
    });
  }
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new DocumentError('CORRUPT_PDF', `the PDF cannot be opened: ${reason}`, {
    document,
    cause,
  });
}

async function* renderPages(pdf: PDFDocumentProxy, context: PdfPageContext): AsyncGenerator<Page> {
  try {
    for (let index = 0; index < pdf.numPages; index++) {
      yield await renderPage(pdf, index, context);
    }
  } finally {
    await pdf.destroy();
  }
}

async function renderPage(
  pdf: PDFDocumentProxy,
  index: number,
  context: PdfPageContext,
): Promise<Page> {
  let page: Awaited<ReturnType<PDFDocumentProxy['getPage']>> | undefined;
  try {
    page = await pdf.getPage(index + 1);
    return await buildPdfPage(page, index, context);
  } catch (cause) {
    if (cause instanceof DocumentError) throw cause;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new DocumentError('CORRUPT_PDF', `page ${index + 1} cannot be rendered: ${reason}`, {
      document: context.document,
      cause,
      details: { page: index },
    });
  } finally {
    // Drops the page's decoded images and fonts: the next page starts from a clean slate.
    page?.cleanup();
  }
}
