/**
 * @module Pages and tiles on the shared volume, so that they travel between functions by
 * reference: a raster is one raw file (its size and channels go in the payload beside the
 * path), everything else small JSON. Files are written beside their target and renamed into
 * place, so a reader never sees half of one.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Raster } from '../../document/raster.js';
import type { SharedVolume } from '../../platform/storage/shared-volume.js';

/** A raster on the volume: what an invocation payload carries instead of pixels. */
export interface RasterRef {
  /** Relative path inside the shared volume. */
  path: string;
  width: number;
  height: number;
  channels: 1 | 3;
}

/** Writes `raster` at `path` (relative to the volume) and returns its reference. */
export async function writeRaster(
  volume: SharedVolume,
  path: string,
  raster: Raster,
): Promise<RasterRef> {
  await writeAtomically(volume.path(path), raster.data);
  return { path, width: raster.width, height: raster.height, channels: raster.channels };
}

/** Reads the raster `ref` names. Throws when the file's size does not match the reference. */
export async function readRaster(volume: SharedVolume, ref: RasterRef): Promise<Raster> {
  const data = await readFile(volume.path(ref.path));
  const expected = ref.width * ref.height * ref.channels;
  if (data.length !== expected) {
    throw new Error(`${ref.path} holds ${data.length} bytes; its reference says ${expected}`);
  }
  return { width: ref.width, height: ref.height, channels: ref.channels, data };
}

/** Writes `value` as JSON at `path` (relative to the volume). */
export async function writeJson(volume: SharedVolume, path: string, value: unknown): Promise<void> {
  await writeAtomically(volume.path(path), JSON.stringify(value));
}

/** Reads the JSON at `path` (relative to the volume). */
export async function readJson<T>(volume: SharedVolume, path: string): Promise<T> {
  return JSON.parse(await readFile(volume.path(path), 'utf8')) as T;
}

/** Removes a file or a directory tree of the volume; absent is fine. */
export async function removeFromVolume(volume: SharedVolume, path: string): Promise<void> {
  await rm(volume.path(path), { recursive: true, force: true });
}

async function writeAtomically(target: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const partial = `${target}.${randomBytes(6).toString('hex')}.partial`;
  try {
    await writeFile(partial, data);
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}
