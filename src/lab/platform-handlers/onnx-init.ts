/**
 * @module A handler whose init loads an ONNX model (its path in MODEL_PATH) once per instance:
 * the benchmark's example of a cold start dominated by init. Generic: it knows no OCR.
 */
import type { InferenceSession } from 'onnxruntime-node';

let session: InferenceSession | undefined;

export async function init(): Promise<void> {
  const modelPath = process.env.MODEL_PATH;
  if (!modelPath) throw new Error('MODEL_PATH is not set');
  const ort = await import('onnxruntime-node');
  session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1 });
}

export async function handler(): Promise<{ inputs: readonly string[] }> {
  return { inputs: session?.inputNames ?? [] };
}
