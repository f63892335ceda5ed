/**
 * @module The versioned result of reading a document, and its validation against the JSON
 * Schema in docs/result.schema.json (the one description of the format: the types below mirror
 * it, and the validator reads that very file so the two cannot drift apart unnoticed).
 *
 * Every box and polygon is in the pixels of the upright page, after any rotation Lectern
 * applied; the page records that rotation so the source frame can be recovered.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { DocumentError, DocumentErrorCode } from './errors.js';
import type { Box, Polygon } from './geometry.js';
import type { DocumentFormat } from './pages.js';

/** Version of the result format. Major: breaking change; minor: optional fields added. */
export const RESULT_SCHEMA_VERSION = '1.0.0';

/** One word. `confidence` is from 0 to 1. */
export interface WordResult {
  text: string;
  box: Box;
  polygon?: Polygon;
  confidence: number;
}

/** A line of text (the paper's "sentence"); a table row stays one line. */
export interface LineResult {
  text: string;
  box: Box;
  polygon?: Polygon;
  confidence: number;
  words: WordResult[];
}

/** Lines that belong together (a paragraph, an address block, a table), in reading order. */
export interface BlockResult {
  text: string;
  box: Box;
  confidence: number;
  lines: LineResult[];
}

/** Rotation in clockwise degrees. */
export type Rotation = 0 | 90 | 180 | 270;

/** What decided a page's rotation. */
export type RotationSource = 'none' | 'exif' | 'pdf' | 'content';

export interface PageResult {
  /** 1-based page number in the document. */
  number: number;
  /** Upright page size in pixels. */
  width: number;
  height: number;
  /** Clockwise degrees Lectern turned the source page to make it upright. */
  rotation: Rotation;
  rotationSource: RotationSource;
  /** Page pixels per source pixel (images) or per PDF point (PDF). */
  scale: number;
  dpi?: number;
  /** `text-layer` when the words came straight from a trustworthy PDF text layer. */
  source: 'ocr' | 'text-layer';
  /** Set when only part of the page could be decoded, saying why. */
  partial?: string;
  blocks: BlockResult[];
}

export interface DocumentInfo {
  /** The document's name or key, as given by the caller. */
  name: string;
  format: DocumentFormat;
  bytes: number;
  sha256: string;
  /** Pages in the document; `pages` may hold fewer when a page limit applied. */
  pageCount: number;
}

export interface EngineInfo {
  name: 'lectern';
  version: string;
  /** The recognizer used for pages read by OCR. */
  recognition: 'onnx' | 'tesseract';
  languages: string[];
  grid: { rows: number; cols: number };
  /** Tile overlap in detection pixels, when set explicitly (otherwise the detector's default). */
  overlap?: number;
}

export interface DocumentResult {
  schemaVersion: string;
  document: DocumentInfo;
  engine: EngineInfo;
  pages: PageResult[];
  /** Milliseconds per stage, summed over the pages, plus `total`. */
  timings: Record<string, number>;
  warnings: string[];
}

const SCHEMA_URL = new URL('../../docs/result.schema.json', import.meta.url);

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled) return compiled;
  const schema = JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as object;
  compiled = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
  return compiled;
}

/** Every way `value` breaks the schema, as `path: message` strings; empty when it is valid. */
export function resultProblems(value: unknown): string[] {
  const validate = validator();
  if (validate(value)) return [];
  return (validate.errors ?? []).map(describeProblem);
}

function describeProblem(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(root)' : error.instancePath;
  const allowed = error.params.allowedValues as unknown[] | undefined;
  const extra = error.params.additionalProperty as string | undefined;
  if (allowed) return `${where}: ${error.message} (${allowed.join(', ')})`;
  if (extra) return `${where}: ${error.message} (${extra})`;
  return `${where}: ${error.message}`;
}

/**
 * Checks `value` against docs/result.schema.json and returns it typed.
 *
 * @throws DocumentError INVALID_RESULT listing (up to five of) the problems found.
 */
export function validateResult(value: unknown): DocumentResult {
  const problems = resultProblems(value);
  if (problems.length === 0) return value as DocumentResult;

  const name = documentName(value);
  throw new DocumentError(
    DocumentErrorCode.INVALID_RESULT,
    `result does not match schema ${RESULT_SCHEMA_VERSION}: ${problems.slice(0, 5).join('; ')}`,
    { document: name, details: { problems } },
  );
}

function documentName(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const document = (value as { document?: { name?: unknown } }).document;
  return typeof document?.name === 'string' ? document.name : undefined;
}

/** All words of a page in reading order. */
export function pageWords(page: PageResult): WordResult[] {
  return page.blocks.flatMap((block) => block.lines.flatMap((line) => line.words));
}

/** All lines of a page in reading order. */
export function pageLines(page: PageResult): LineResult[] {
  return page.blocks.flatMap((block) => block.lines);
}
