/**
 * An uncompressed image in memory: the common currency between the stages. Pixels are
 * interleaved, row-major, 8 bits per channel, top-left origin.
 */
export interface Raster {
  width: number;
  height: number;
  /** 1 (gray) or 3 (RGB). Alpha is always flattened away before a raster is made. */
  channels: 1 | 3;
  data: Buffer;
}
