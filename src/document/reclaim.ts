/**
 * @module Returning the pixels of pages already read before a large page is decoded.
 *
 * A page raster lives outside V8's heap (a Buffer), and V8 frees it only in a full garbage
 * collection, which it starts when it learns of *new* outside memory. So a large page's raster
 * is still held when the next large page is decoded, and both are resident at once: reading a
 * 600-dpi A4 scan (35 MP, 104 MB of RGB) right after another raised the peak of `lectern eval`
 * on SROIE by about 100 MB. A full collection costs ~10 ms on the Reader's heap, little against
 * the ~0.7 s such a page takes to read, and is only run for rasters of at least
 * {@link LARGE_RASTER_BYTES} while that much outside memory is held.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Rasters from this size on (about 11 MP of RGB) are worth a collection before decoding. */
export const LARGE_RASTER_BYTES = 32 * 1024 * 1024;

let collect: (() => void) | undefined;

/**
 * Runs a full garbage collection when `bytes` (the raster about to be made) is large and V8
 * holds at least {@link LARGE_RASTER_BYTES} outside its heap, which may be earlier pages no
 * longer referenced. Cheap to call otherwise.
 */
export function reclaimBeforeAllocating(bytes: number): void {
  if (bytes < LARGE_RASTER_BYTES) return;
  if (process.memoryUsage().external < LARGE_RASTER_BYTES) return;
  garbageCollector()();
}

/**
 * V8's collector, had without starting Node with `--expose-gc`: that flag only makes V8
 * install `gc` in contexts created while it is set, so one fresh context is made to hand the
 * function over, and the flag is cleared again.
 */
function garbageCollector(): () => void {
  if (collect) return collect;
  if (typeof globalThis.gc === 'function') {
    collect = globalThis.gc as () => void;
    return collect;
  }
  setFlagsFromString('--expose-gc');
  try {
    collect = runInNewContext('gc') as () => void;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
  return collect;
}
