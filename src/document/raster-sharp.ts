/**
 * Moving a {@link Raster} through sharp and back. sharp widens 1-channel input to sRGB on
 * output unless told otherwise, so the way back pins the channel count.
 */
import sharp, { type Sharp } from 'sharp';
import type { Raster } from './raster.js';

/** A sharp pipeline reading the raster's pixels (no copy). */
export function sharpOf(raster: Raster): Sharp {
  const { width, height, channels } = raster;
  return sharp(raster.data, { raw: { width, height, channels } });
}

/** The pipeline's output as a raster with `channels` channels (gray or RGB). */
export async function rasterOf(pipeline: Sharp, channels: 1 | 3): Promise<Raster> {
  const shaped = channels === 1 ? pipeline.toColourspace('b-w') : pipeline.removeAlpha();
  const { data, info } = await shaped.raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels, data };
}
