/**
 * The type of a document, read from its first bytes. A name or a content type is never trusted:
 * users upload PDFs named `.jpg` and iPhone photos (HEIC) named `.jpg`.
 */
import { DocumentError } from '../errors.js';
import type { DocumentFormat } from './types.js';

/** Acrobat accepts `%PDF-` anywhere in the first 1024 bytes; so do we. */
const PDF_HEADER_WINDOW = 1024;

// HEIC is named, not decoded: sharp's prebuilt libvips has libheif without an HEVC decoder
// (AVIF it could read, but it is not a format Lectern promises).

/** ISO-BMFF brands (the `ftyp` box) of the HEIF family and their common names. */
const HEIF_BRANDS: Record<string, string> = {
  heic: 'HEIC',
  heix: 'HEIC',
  heim: 'HEIC',
  heis: 'HEIC',
  hevc: 'HEIC',
  hevx: 'HEIC',
  mif1: 'HEIF',
  msf1: 'HEIF',
  avif: 'AVIF',
  avis: 'AVIF',
};

/**
 * The format of `bytes`.
 *
 * @throws DocumentError EMPTY_DOCUMENT for 0 bytes; UNSUPPORTED_FORMAT for anything that is not
 *   JPEG, PNG, TIFF, WebP or PDF, naming what it is when it is recognisable.
 */
export function sniffFormat(bytes: Uint8Array, document: string): DocumentFormat {
  if (bytes.length === 0) {
    throw new DocumentError('EMPTY_DOCUMENT', 'the document is empty (0 bytes)', { document });
  }

  const format = supportedFormat(bytes);
  if (format) return format;

  const what = describeUnsupported(bytes);
  throw new DocumentError(
    'UNSUPPORTED_FORMAT',
    `${what ?? 'an unrecognised format'} is not supported; Lectern reads JPEG, PNG, TIFF, WebP and PDF`,
    { document, details: { detected: what ?? 'unknown' } },
  );
}

function supportedFormat(bytes: Uint8Array): DocumentFormat | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (isTiff(bytes)) return 'tiff';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'webp';
  if (findAscii(bytes, '%PDF-', PDF_HEADER_WINDOW) >= 0) return 'pdf';
  return undefined;
}

function isTiff(bytes: Uint8Array): boolean {
  // Classic TIFF (42) and BigTIFF (43), both byte orders.
  return (
    startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) ||
    startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a]) ||
    startsWith(bytes, [0x49, 0x49, 0x2b, 0x00]) ||
    startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2b])
  );
}

/** A human name for a format Lectern does not read, or undefined when nothing matches. */
export function describeUnsupported(bytes: Uint8Array): string | undefined {
  const head = ascii(bytes, 0, 16);
  if (ascii(bytes, 4, 4) === 'ftyp') return describeIsoMedia(ascii(bytes, 8, 4));
  if (head.startsWith('GIF87a') || head.startsWith('GIF89a')) return 'GIF';
  if (head.startsWith('BM') && bytes.length > 14) return 'BMP';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return describeZip(bytes);
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    return 'a legacy Microsoft Office file (DOC/XLS/PPT)';
  }
  return describeOther(bytes, head);
}

function describeOther(bytes: Uint8Array, head: string): string | undefined {
  if (startsWith(bytes, [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20])) return 'JPEG 2000';
  if (startsWith(bytes, [0xff, 0x4f, 0xff, 0x51])) return 'JPEG 2000';
  if (startsWith(bytes, [0xff, 0x0a]) || ascii(bytes, 4, 4) === 'JXL ') return 'JPEG XL';
  if (head.startsWith('8BPS')) return 'Photoshop (PSD)';
  if (head.startsWith('AT&TFORM')) return 'DjVu';
  if (head.startsWith('%!PS')) return 'PostScript';
  if (head.startsWith('{\\rtf')) return 'RTF';
  if (startsWith(bytes, [0x1f, 0x8b])) return 'a gzip archive';
  if (head.startsWith('Rar!')) return 'a RAR archive';
  if (startsWith(bytes, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return 'a 7-Zip archive';
  return describeText(bytes);
}

function describeIsoMedia(brand: string): string {
  return HEIF_BRANDS[brand] ?? `an ISO media file (brand "${brand.trim()}", e.g. MP4 video)`;
}

function describeZip(bytes: Uint8Array): string {
  // Office Open XML keeps its parts in well-known folders; their names appear in the local
  // file headers near the start of the archive.
  const window = Math.min(bytes.length, 64 * 1024);
  if (findAscii(bytes, 'word/', window) >= 0) return 'a Word document (DOCX)';
  if (findAscii(bytes, 'xl/', window) >= 0) return 'an Excel workbook (XLSX)';
  if (findAscii(bytes, 'ppt/', window) >= 0) return 'a PowerPoint file (PPTX)';
  if (findAscii(bytes, 'opendocument', window) >= 0) return 'an OpenDocument file';
  return 'a ZIP archive';
}

function describeText(bytes: Uint8Array): string | undefined {
  const sample = ascii(bytes, 0, 512).trimStart().toLowerCase();
  if (sample.startsWith('<svg') || (sample.startsWith('<?xml') && sample.includes('<svg'))) {
    return 'SVG';
  }
  if (sample.startsWith('<!doctype html') || sample.startsWith('<html')) return 'HTML';
  if (sample.startsWith('<?xml')) return 'XML';
  return looksLikeText(bytes) ? 'plain text' : undefined;
}

function looksLikeText(bytes: Uint8Array): boolean {
  const length = Math.min(bytes.length, 512);
  for (let i = 0; i < length; i++) {
    const byte = bytes[i] as number;
    const control = byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d;
    if (control || byte === 0x7f) return false;
  }
  return true;
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  if (bytes.length < prefix.length) return false;
  return prefix.every((byte, i) => bytes[i] === byte);
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  const end = Math.min(bytes.length, offset + length);
  let text = '';
  for (let i = offset; i < end; i++) text += String.fromCharCode(bytes[i] as number);
  return text;
}

/** Index of `needle` within the first `window` bytes, or -1. */
export function findAscii(bytes: Uint8Array, needle: string, window: number): number {
  const end = Math.min(bytes.length, window) - needle.length;
  for (let i = 0; i <= end; i++) {
    let j = 0;
    while (j < needle.length && bytes[i + j] === needle.charCodeAt(j)) j++;
    if (j === needle.length) return i;
  }
  return -1;
}
