import { readFile } from 'node:fs/promises';
import onnxProto from 'onnx-proto';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { simplifyModel } from '../../src/document/model-graph.js';
import { ModelAsset, modelAssetPath } from '../../src/document/onnx-session.js';

/** Black text on white, `width` x `height`, as the NCHW input the PP-OCR models take. */
async function textInput(width: number, height: number, size: number): Promise<Tensor> {
  const svg = `<svg width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">
    <rect width="100%" height="100%" fill="white"/>
    <text x="6" y="${Math.round(height * 0.7)}" font-family="sans-serif" font-size="${size}">
      TOTAL 12.50 Thank you</text></svg>`;
  const { data } = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({
    resolveWithObject: true,
  });
  const plane = width * height;
  const input = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i += 1) {
    for (let c = 0; c < 3; c += 1) input[c * plane + i] = (data[i * 3 + c] as number) / 127.5 - 1;
  }
  return new Tensor('float32', input, [1, 3, height, width]);
}

async function outputOf(model: Uint8Array, input: Tensor): Promise<Float32Array> {
  const session = await InferenceSession.create(model, { intraOpNumThreads: 1 });
  const outputs = await session.run({ [session.inputNames[0] as string]: input });
  return outputs[session.outputNames[0] as string]?.data as Float32Array;
}

function nodeCount(bytes: Uint8Array): number {
  return onnxProto.onnx.ModelProto.decode(bytes).graph?.node?.length ?? 0;
}

const cases = [
  { name: 'detector', file: ModelAsset.detection, width: 640, height: 160, size: 40 },
  { name: 'recognizer', file: 'ch_PP-OCRv4_rec_infer.onnx', width: 320, height: 48, size: 30 },
  { name: 'direction classifier', file: ModelAsset.direction, width: 192, height: 48, size: 22 },
];

describe('simplifyModel on the shipped PP-OCR models', () => {
  for (const { name, file, width, height, size } of cases) {
    it(`gives the ${name} fewer operators and the same outputs on a line of text`, async () => {
      const original = new Uint8Array(await readFile(modelAssetPath(file)));
      const input = await textInput(width, height, size);

      const { bytes, rewrites } = simplifyModel(original);

      expect(rewrites.hardSwish).toBeGreaterThan(10);
      expect(nodeCount(bytes)).toBeLessThan(nodeCount(original) - 3 * rewrites.hardSwish);
      const before = await outputOf(original, input);
      const after = await outputOf(bytes, input);
      expect(after).toHaveLength(before.length);
      const largest = before.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
      const difference = before.reduce(
        (max, value, i) => Math.max(max, Math.abs(value - (after[i] as number))),
        0,
      );
      expect(largest).toBeGreaterThan(0.1);
      expect(difference).toBeLessThan(1e-4);
    });
  }
});
