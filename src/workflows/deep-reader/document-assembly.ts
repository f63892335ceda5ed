/**
 * @module A document whose pages are read apart (by page functions, or by the on-premise
 * pool): how it is opened, and its DocumentResult, with the same fields in the same form as
 * the Reader gives.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type LoadedDocument, loadPages } from '../../document/pages.js';
import {
  type DocumentResult,
  type EngineInfo,
  type PageResult,
  RESULT_SCHEMA_VERSION,
  validateResult,
} from '../../document/result.js';
import { StageTimings } from '../../document/stage-timings.js';
import type { WorkflowConfig } from './config.js';

/** What a document's result is made of. */
export interface DocumentParts {
  bytes: Uint8Array;
  document: string;
  loaded: { format: DocumentResult['document']['format']; pageCount: number };
  /** In page order. */
  pages: PageResult[];
  timings: StageTimings;
  config: Pick<WorkflowConfig, 'engine' | 'languages' | 'grid' | 'overlap'>;
}

/** The validated result; throws INVALID_RESULT as the Reader would. */
export function assembleResult(parts: DocumentParts): DocumentResult {
  const { bytes, document, loaded, pages, timings, config } = parts;
  const warnings = pages
    .filter((page) => page.partial)
    .map((page) => `page ${page.number}: only partly decoded: ${page.partial}`);
  return validateResult({
    schemaVersion: RESULT_SCHEMA_VERSION,
    document: {
      name: document,
      format: loaded.format,
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      pageCount: loaded.pageCount,
    },
    engine: engineInfo(config),
    pages,
    timings: timings.snapshot(),
    warnings,
  } satisfies DocumentResult);
}

function engineInfo(config: DocumentParts['config']): EngineInfo {
  return {
    name: 'lectern',
    version: VERSION,
    recognition: config.engine,
    languages: config.languages,
    grid: { rows: config.grid.rows, cols: config.grid.cols },
    ...(config.overlap === undefined ? {} : { overlap: config.overlap }),
  };
}

const VERSION = (() => {
  try {
    const url = new URL('../../../package.json', import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();

/** A document opened for reading page by page. */
export interface OpenedDocument {
  timings: StageTimings;
  /** Pages decoded lazily; iterating them should be timed as 'decode'. */
  loaded: LoadedDocument;
  /** The detection settings every page is read with. */
  detection: Pick<WorkflowConfig, 'grid' | 'overlap'>;
}

/** Opens `bytes` (the upload `document`), timing the decoding. */
export async function openDocument(
  bytes: Uint8Array,
  document: string,
  config: WorkflowConfig,
): Promise<OpenedDocument> {
  const timings = new StageTimings();
  const loaded = await timings.time('decode', () =>
    loadPages(bytes, { document, maxPages: config.maxPages }),
  );
  const detection = {
    grid: config.grid,
    ...(config.overlap === undefined ? {} : { overlap: config.overlap }),
  };
  return { timings, loaded, detection };
}
