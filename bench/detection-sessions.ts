/**
 * How a page's detection tiles are best run on this machine: one after another on one session
 * with an intra-op pool of all the CPUs (how Lectern ran them before), or in parallel on
 * single-threaded sessions, one worker thread each (how it runs them now). Interleaved page by
 * page over a SROIE-layout folder so that the machine's load hits both alike; prints the median
 * milliseconds per page of each and the tiles per page.
 *
 *   npx tsx bench/detection-sessions.ts [img-dir] [--limit N]
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Tensor } from 'onnxruntime-node';
import { availableCpus } from '../src/document/cpus.js';
import { planPage } from '../src/document/detect-page.js';
import { toTensor } from '../src/document/detection.js';
import { ModelAsset, modelAssetPath, openSession } from '../src/document/onnx-session.js';
import type { Raster } from '../src/document/raster.js';
import { SessionWorkers } from '../src/document/session-workers.js';
import { cutTile } from '../src/document/tiles.js';
import { median } from '../src/lab/metrics.js';
import { firstPageRaster } from '../src/lab/page-raster.js';

const { values: args, positionals } = parseArgs({
  options: { limit: { type: 'string' } },
  allowPositionals: true,
});
const dir = positionals[0] ?? '../shared/data/sroie/img';
const files = (await readdir(dir))
  .filter((name) => /\.(jpe?g|png)$/i.test(name))
  .sort()
  .slice(0, args.limit ? Number(args.limit) : undefined);

const pages: Raster[][] = [];
for (const name of files) {
  const raster = await firstPageRaster(join(dir, name));
  const plan = planPage(raster);
  pages.push(await Promise.all(plan.tiles.map((tile) => cutTile(raster, plan, tile))));
}

const cpus = availableCpus();
const model = modelAssetPath(ModelAsset.detection);
const pooled = await openSession(model, cpus);
const workers = await SessionWorkers.start(model, { workers: cpus, label: 'detection' });
const serial: number[] = [];
const parallel: number[] = [];
try {
  for (const tiles of pages) {
    let start = performance.now();
    for (const tile of tiles) {
      const { data, dims } = toTensor(tile);
      await pooled.run({ [pooled.inputNames[0] as string]: new Tensor('float32', data, dims) });
    }
    serial.push(performance.now() - start);
    start = performance.now();
    await Promise.all(tiles.map((tile) => workers.run(toTensor(tile))));
    parallel.push(performance.now() - start);
  }
} finally {
  await Promise.all([workers.close(), pooled.release()]);
}
console.log(
  JSON.stringify({
    pages: pages.length,
    cpus,
    tilesPerPageMedian: median(pages.map((tiles) => tiles.length)),
    oneSessionOfAllCpusMs: Math.round(median(serial)),
    parallelSingleThreadedSessionsMs: Math.round(median(parallel)),
  }),
);
