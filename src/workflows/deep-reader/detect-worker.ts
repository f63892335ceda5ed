/**
 * @module A worker thread of the on-premise detector pool (detector-pool.ts): loads the
 * detection model once, then detects the tiles it is sent, one at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TextDetector } from '../../document/detection.js';

interface TileMessage {
  id: number;
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
}

const detector = await TextDetector.load({ threads: (workerData as { threads: number }).threads });
parentPort?.on('message', (tile: TileMessage) => {
  const raster = {
    width: tile.width,
    height: tile.height,
    channels: tile.channels,
    data: Buffer.from(tile.data.buffer, tile.data.byteOffset, tile.data.byteLength),
  };
  detector.detect(raster).then(
    (boxes) => parentPort?.postMessage({ id: tile.id, boxes }),
    (error: Error) => parentPort?.postMessage({ id: tile.id, error: error.message }),
  );
});
parentPort?.postMessage({ ready: true });
