import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { DocumentError } from '../../../src/document/errors.js';
import { type LoadOptions, loadPages, type Page } from '../../../src/document/pages.js';
import type { Raster } from '../../../src/document/raster.js';

/** ../shared beside the repository (read-only in CI); tests using it skip when it is absent. */
const shared = fileURLToPath(new URL('../../../../shared/', import.meta.url));
export const casesDir = `${shared}cases/`;
export const invoicesDir = `${shared}data/invoices-pdf/`;
export const hasCases = existsSync(casesDir);
export const hasInvoices = existsSync(invoicesDir);

export function readCase(name: string): Buffer {
  return readFileSync(casesDir + name);
}

/** Loads a document and decodes every page. */
export async function loadAll(
  bytes: Uint8Array,
  options: Partial<LoadOptions> = {},
): Promise<{ format: string; pageCount: number; pages: Page[] }> {
  const loaded = await loadPages(bytes, { document: 'test-document', ...options });
  const pages: Page[] = [];
  for await (const page of loaded.pages) pages.push(page);
  return { format: loaded.format, pageCount: loaded.pageCount, pages };
}

/** The first page only. */
export async function firstPage(
  bytes: Uint8Array,
  options: Partial<LoadOptions> = {},
): Promise<Page> {
  const { pages } = await loadAll(bytes, options);
  const page = pages[0];
  if (!page) throw new Error('no page');
  return page;
}

/** The DocumentError a promise rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<DocumentError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DocumentError);
  return error as DocumentError;
}

/** Mean brightness (0..255, all channels) of a region of a raster; whole raster by default. */
export function meanOf(
  raster: Raster,
  region = { x: 0, y: 0, width: raster.width, height: raster.height },
): number {
  let sum = 0;
  for (let y = region.y; y < region.y + region.height; y++) {
    const start = (y * raster.width + region.x) * raster.channels;
    for (let i = start; i < start + region.width * raster.channels; i++) sum += raster.data[i] ?? 0;
  }
  return sum / (region.width * region.height * raster.channels);
}

/** Share of pixels darker than 128 in a region. */
export function darkShare(
  raster: Raster,
  region = { x: 0, y: 0, width: raster.width, height: raster.height },
): number {
  let dark = 0;
  for (let y = region.y; y < region.y + region.height; y++) {
    for (let x = region.x; x < region.x + region.width; x++) {
      if ((raster.data[(y * raster.width + x) * raster.channels] ?? 255) < 128) dark++;
    }
  }
  return dark / (region.width * region.height);
}
