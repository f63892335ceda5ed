/**
 * Truncated PNG files. libpng, told to go on after the data runs out, leaves the rows it never
 * decoded to libvips' reused strip buffers: the page comes out with earlier bands repeated down
 * to its bottom (the top of an invoice eight times over), which OCR reads as real, duplicated
 * text. So a truncated PNG is not decoded leniently: the IDAT data that arrived is inflated here,
 * its complete rows are counted and copied into a new, whole PNG of the same size whose missing
 * rows are white, and that file is decoded strictly.
 *
 * Interlaced (Adam7) files carry the image in seven passes, the last one holding every odd row.
 * A cut file therefore has full resolution only above the last row its seventh pass reached;
 * below that it has at most the coarse passes (every other row, or less). Those coarse rows are
 * still decoded, but {@link CompletedPng.wholeRows} stops above them so the caller blanks them:
 * text read from every other row would be guesswork.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, crc32, createDeflate, createInflate } from 'node:zlib';

/** A whole PNG made from a truncated one. */
export interface CompletedPng {
  /** A valid PNG of the original size: the rows that arrived, then white rows. */
  bytes: Buffer;
  /** Rows from the top of the stored image whose every pixel arrived. */
  wholeRows: number;
  /** Height of the stored image. */
  height: number;
  /** Adam7: rows below {@link wholeRows} may still hold coarse passes. */
  interlaced: boolean;
}

interface Header {
  width: number;
  height: number;
  bitDepth: number;
  colourType: number;
  interlaced: boolean;
}

/** One pass of the image data (the whole image when not interlaced). */
interface Pass {
  /** First row of the image the pass covers, and the step between its rows. */
  top: number;
  rowStep: number;
  /** Pixels per row and rows in this pass; a pass with either 0 has no data at all. */
  width: number;
  rows: number;
  /** Filter byte included. */
  rowBytes: number;
  /** Complete rows that arrived. */
  received: number;
}

const SIGNATURE_BYTES = 8;
const IHDR_END = SIGNATURE_BYTES + 8 + 13 + 4;
const SAMPLES_BY_COLOUR_TYPE: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

// Adam7: [first row, row step, first column, column step] of passes 1..7.
const ADAM7: readonly (readonly [number, number, number, number])[] = [
  [0, 8, 0, 8],
  [0, 8, 4, 8],
  [4, 8, 0, 4],
  [0, 4, 2, 4],
  [2, 4, 0, 2],
  [0, 2, 1, 2],
  [1, 2, 0, 1],
];

/**
 * Completes a PNG that stops before its end, or returns undefined when its header is not
 * readable.
 */
export async function completeTruncatedPng(bytes: Uint8Array): Promise<CompletedPng | undefined> {
  const file = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = readHeader(file);
  if (!header) return undefined;

  const { before, imageData } = splitChunks(file);
  const passes = passesOf(header);
  const white = whiteRowByte(header, before);
  const compressed: Buffer[] = [];
  await pipeline(
    Readable.from(filteredRows(imageData, passes, white)),
    createDeflate({ level: 1 }),
    async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) compressed.push(chunk);
    },
  );

  const png = Buffer.concat([
    file.subarray(0, IHDR_END),
    ...before,
    chunk('IDAT', Buffer.concat(compressed)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  const { height, interlaced } = header;
  return { bytes: png, wholeRows: wholeRows(header, passes), height, interlaced };
}

function readHeader(file: Buffer): Header | undefined {
  if (file.length < IHDR_END || file.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  const header = {
    width: file.readUInt32BE(16),
    height: file.readUInt32BE(20),
    bitDepth: file[24] ?? 0,
    colourType: file[25] ?? 0,
    interlaced: file[28] === 1,
  };
  const known = SAMPLES_BY_COLOUR_TYPE[header.colourType] !== undefined;
  return known && header.width > 0 && header.height > 0 ? header : undefined;
}

/**
 * The complete chunks between IHDR and the first IDAT (palette, colour profile, EXIF...), kept
 * byte for byte, and the IDAT data that arrived, the last chunk possibly cut short.
 */
function splitChunks(file: Buffer): { before: Buffer[]; imageData: Buffer } {
  const before: Buffer[] = [];
  const imageData: Buffer[] = [];
  for (let offset = IHDR_END; offset + 8 <= file.length; ) {
    const length = file.readUInt32BE(offset);
    const type = file.toString('latin1', offset + 4, offset + 8);
    const end = offset + 12 + length;
    if (type === 'IDAT') {
      imageData.push(file.subarray(offset + 8, Math.min(end - 4, file.length)));
    } else if (imageData.length > 0 || end > file.length) {
      break;
    } else {
      before.push(file.subarray(offset, end));
    }
    offset = end;
  }
  return { before, imageData: Buffer.concat(imageData) };
}

function passesOf(header: Header): Pass[] {
  const bitsPerPixel = header.bitDepth * (SAMPLES_BY_COLOUR_TYPE[header.colourType] ?? 1);
  const geometry = header.interlaced ? ADAM7 : [[0, 1, 0, 1] as const];
  return geometry.map(([top, rowStep, left, columnStep]) => {
    const width = Math.max(0, Math.ceil((header.width - left) / columnStep));
    const rows = Math.max(0, Math.ceil((header.height - top) / rowStep));
    const rowBytes = 1 + Math.ceil((width * bitsPerPixel) / 8);
    return { top, rowStep, width, rows: width === 0 ? 0 : rows, rowBytes, received: 0 };
  });
}

/**
 * The filtered rows of the image: those that arrived whole, then white ones in place of the
 * rest. Counts the rows received in each pass as it goes.
 */
async function* filteredRows(imageData: Buffer, passes: Pass[], white: number) {
  yield* receivedRows(imageData, passes);
  for (const pass of passes) {
    if (pass.received >= pass.rows) continue;
    // Filter type 0 (none): the bytes are the samples themselves.
    const row = Buffer.alloc(pass.rowBytes, white);
    row[0] = 0;
    for (let y = pass.received; y < pass.rows; y++) yield row;
  }
}

async function* receivedRows(imageData: Buffer, passes: Pass[]): AsyncGenerator<Buffer> {
  const inflate = createInflate({ finishFlush: constants.Z_SYNC_FLUSH });
  inflate.end(imageData);
  let pending: Buffer = Buffer.alloc(0);
  let index = nextPass(passes, 0);
  try {
    for await (const data of inflate as AsyncIterable<Buffer>) {
      pending = pending.length > 0 ? Buffer.concat([pending, data]) : data;
      let offset = 0;
      for (let pass = passes[index]; pass; pass = passes[index]) {
        if (pending.length - offset < pass.rowBytes) break;
        // Filter types are 0..4: any other first byte means the data is damaged from here on.
        if ((pending[offset] ?? 0) > 4) return;
        yield pending.subarray(offset, offset + pass.rowBytes);
        offset += pass.rowBytes;
        pass.received++;
        if (pass.received === pass.rows) index = nextPass(passes, index + 1);
      }
      if (index >= passes.length) return;
      pending = pending.subarray(offset);
    }
  } catch {
    // Damaged compressed data: the rows inflated before it are all there is.
  } finally {
    inflate.destroy();
  }
}

function nextPass(passes: Pass[], from: number): number {
  let index = from;
  while (index < passes.length && passes[index]?.rows === 0) index++;
  return index;
}

/** The first row of the image that some pass has not delivered, i.e. the rows whole above it. */
function wholeRows(header: Header, passes: Pass[]): number {
  for (let y = 0; y < header.height; y++) {
    const missing = passes.some(
      (pass) =>
        pass.rows > 0 &&
        y >= pass.top &&
        (y - pass.top) % pass.rowStep === 0 &&
        (y - pass.top) / pass.rowStep >= pass.received,
    );
    if (missing) return y;
  }
  return header.height;
}

/**
 * The byte that makes a row white: every sample at its maximum (alpha opaque), or for a palette
 * image the lightest palette entry, repeated to fill the byte at small bit depths.
 */
function whiteRowByte(header: Header, before: Buffer[]): number {
  if (header.colourType !== 3) return 0xff;
  const palette = before.find((chunk) => chunk.toString('latin1', 4, 8) === 'PLTE');
  if (!palette) return 0xff;

  let lightest = 0;
  let lightness = -1;
  const entries = Math.floor(palette.readUInt32BE(0) / 3);
  for (let entry = 0; entry < entries; entry++) {
    const at = 8 + entry * 3;
    const sum = (palette[at] ?? 0) + (palette[at + 1] ?? 0) + (palette[at + 2] ?? 0);
    if (sum > lightness) [lightest, lightness] = [entry, sum];
  }
  let byte = 0;
  for (let bit = 0; bit < 8; bit += header.bitDepth) byte = (byte << header.bitDepth) | lightest;
  return byte & 0xff;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}
