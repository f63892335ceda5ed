/**
 * @module `lectern read <files or dirs...>`: reads documents in this process (the paper's
 * on-premise mode) and writes one result per document: to `--out` (one file each, named after
 * the document, keeping the folder structure) or as JSON lines on standard output.
 *
 * A document that fails is reported on standard error (file, error code, reason); the others
 * are still read and the exit status is 1 at the end. With `--out`, a summary follows on
 * standard error: documents and pages, succeeded, partial (a page only partly decoded),
 * failed with their codes (inputs that could not be used among them, as in `lectern run`),
 * wall time. An `--out` that cannot be created or written is refused before anything is read.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { Reader } from '../../document/read.js';
import type { RecognitionEngine } from '../../document/recognition/recognizer.js';
import { failureOf, withoutSubject } from '../../errors.js';
import {
  outcomeCounts,
  partialPagesOf,
  withFailures,
} from '../../workflows/deep-reader/batch-summary.js';
import type { IndexedDocument } from '../../workflows/deep-reader/results-index.js';
import {
  OUTPUT_SUFFIX,
  type OutputFormat,
  parseFormat,
  renderFile,
  renderLine,
} from '../formats.js';
import { collectAndReport, outputPaths } from '../inputs.js';
import { outDirRefusal } from '../out-dir.js';
import { BatchProgress } from '../progress.js';
import { addReadingOptions, parseOverlap, parsePositiveInteger } from '../read-options.js';
import { readSummaryText } from '../run-summary.js';

interface ReadCommandOptions {
  out?: string;
  format: OutputFormat;
  engine: RecognitionEngine;
  lang?: string[];
  tiles?: { rows: number; cols: number };
  overlap?: number;
  password?: string;
  forceOcr?: boolean;
  maxPages?: number;
  maxPixels?: number;
}

export function register(program: Command): void {
  const command = program
    .command('read')
    .description(
      'read documents (JPEG, PNG, TIFF, WebP, PDF) and write their text, words and boxes',
    )
    .argument('<paths...>', 'files, or directories walked recursively for supported documents')
    .option('-o, --out <dir>', 'write one file per document here (default: JSON lines on stdout)')
    .addOption(
      new Option('-f, --format <format>', 'json, text, hocr or textract')
        .argParser(parseFormat)
        .default('json'),
    );
  addReadingOptions(command)
    .option(
      '--overlap <px>',
      'tile overlap in detection pixels (default: the detector’s)',
      parseOverlap,
    )
    .option('--password <password>', 'user password of encrypted PDFs')
    .option('--force-ocr', 'OCR PDF pages even when their text layer is trustworthy')
    .option('--max-pages <n>', 'refuse documents with more pages', parsePositiveInteger)
    .option('--max-pixels <n>', 'pixel budget of one page raster', parsePositiveInteger)
    .action(async (paths: string[], options: ReadCommandOptions) => {
      process.exitCode = await readAll(paths, options);
    });
}

/** Reads every document; returns the exit status (0 when all were read). */
async function readAll(paths: string[], options: ReadCommandOptions): Promise<number> {
  // The wall time of the summary: models loading included, as the user waits for it too.
  const started = Date.now();
  // Refused before any work: finding out after the batch would lose every result.
  const refusal = await outDirRefusal(options.out);
  if (refusal) {
    process.stderr.write(refusal);
    return 1;
  }
  // Inputs that could not be used are failed documents of the summary, as in `lectern run`.
  const { files, unusable } = await collectAndReport(paths);
  if (files.length === 0) {
    if (unusable.length > 0 && options.out !== undefined) {
      process.stderr.write(readSummaryText(withFailures(outcomeCounts([]), unusable), 0));
    }
    return 1;
  }

  const targets = options.out
    ? outputPaths(files, options.out, OUTPUT_SUFFIX[options.format])
    : undefined;
  // Loaded here, not at the top, so that other commands and --help skip ONNX Runtime start-up.
  const { Reader } = await import('../../document/read.js');
  const reader = await Reader.create({
    engine: options.engine,
    languages: options.lang,
    grid: options.tiles,
    overlap: options.overlap,
    forceOcr: options.forceOcr,
    maxPages: options.maxPages,
    maxPixels: options.maxPixels,
  });
  const progress = new BatchProgress(files.length);
  const outcomes: IndexedDocument[] = [];
  try {
    for (const file of files) {
      outcomes.push(await readOne(reader, file, options, targets?.get(file), progress));
      progress.advance(file);
    }
  } finally {
    progress.stop();
    await reader.close();
  }
  // Standard output carries the results themselves unless --out takes them.
  if (options.out !== undefined) {
    const figures = withFailures(outcomeCounts(outcomes), unusable);
    process.stderr.write(readSummaryText(figures, Date.now() - started));
  }
  const failures = unusable.length + outcomes.filter((o) => o.status === 'failed').length;
  return failures === 0 ? 0 : 1;
}

/** Reads one document and writes its result; its outcome as an entry of a batch summary. */
async function readOne(
  reader: Reader,
  file: string,
  options: ReadCommandOptions,
  target: string | undefined,
  progress: BatchProgress,
): Promise<IndexedDocument> {
  const outcome = { bucket: 'local', key: file, etag: '', uploadedAt: Date.now(), stages: {} };
  try {
    const bytes = await readFile(file);
    const result = await reader.read(bytes, { document: file, password: options.password });
    // A partial page is a result, not a failure, but the user must not have to open the JSON
    // to learn that part of the document is missing.
    for (const warning of result.warnings) progress.log(`lectern: ${file}: warning: ${warning}`);
    if (target === undefined) {
      process.stdout.write(`${renderLine(result, options.format)}\n`);
    } else {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, renderFile(result, options.format));
    }
    const read = { pages: result.pages.length, ...partialPagesOf(result.pages) };
    return { ...outcome, status: 'succeeded', finishedAt: Date.now(), ...read };
  } catch (error) {
    const { code, message } = failureOf(error, file);
    const reason = withoutSubject(message, file);
    progress.log(`lectern: ${file}: ${code}: ${reason}`);
    return {
      ...outcome,
      status: 'failed',
      finishedAt: Date.now(),
      errorCode: code,
      ...(reason ? { errorMessage: reason } : {}),
    };
  }
}
