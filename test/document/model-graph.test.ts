import onnxProto from 'onnx-proto';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { simplifyModel } from '../../src/document/model-graph.js';

const { onnx } = onnxProto;
type NodeSpec = { op: string; inputs: string[]; output: string; attrs?: Record<string, number[]> };

/** A float constant named `name`, as an initializer. */
function constant(name: string, values: number[], dims: number[]) {
  return onnx.TensorProto.create({
    name,
    dims,
    dataType: onnx.TensorProto.DataType.FLOAT,
    floatData: values,
  });
}

function attributes(attrs: Record<string, number[]> = {}) {
  return Object.entries(attrs).map(([name, values]) =>
    name === 'min' || name === 'max'
      ? onnx.AttributeProto.create({
          name,
          f: values[0],
          type: onnx.AttributeProto.AttributeType.FLOAT,
        })
      : onnx.AttributeProto.create({
          name,
          ints: values,
          type: onnx.AttributeProto.AttributeType.INTS,
        }),
  );
}

/** A model of opset 9 with input x [1, 2, 5, 5] and output y, from `nodes` and constants. */
function modelOf(nodes: NodeSpec[], constants: onnxProto.onnx.ITensorProto[]): Uint8Array {
  const value = (name: string) =>
    onnx.ValueInfoProto.create({
      name,
      type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } },
    });
  const model = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 9 }],
    graph: {
      name: 'test',
      node: nodes.map((node) =>
        onnx.NodeProto.create({
          opType: node.op,
          input: node.inputs,
          output: [node.output],
          attribute: attributes(node.attrs),
        }),
      ),
      initializer: constants,
      input: [value('x')],
      output: [value('y')],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Deterministic values in [-2, 2): the rewrite must hold for negative inputs too. */
function ramp(count: number, seed: number): number[] {
  return Array.from({ length: count }, (_, i) => ((i * 37 + seed * 11) % 41) / 10.25 - 2);
}

async function run(bytes: Uint8Array): Promise<Float32Array> {
  const session = await InferenceSession.create(bytes);
  const x = new Tensor('float32', Float32Array.from(ramp(50, 3)), [1, 2, 5, 5]);
  const outputs = await session.run({ x });
  return outputs.y?.data as Float32Array;
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  return a.reduce((max, value, i) => Math.max(max, Math.abs(value - (b[i] as number))), 0);
}

function opTypes(bytes: Uint8Array): string[] {
  return (onnx.ModelProto.decode(bytes).graph?.node ?? []).map((node) => node.opType ?? '');
}

/** Conv, affine, hard-swish, affine, then a second convolution with the given padding. */
function block(pads: number[], kernel: number) {
  const nodes: NodeSpec[] = [
    { op: 'Conv', inputs: ['x', 'w1', 'b1'], output: 'c1', attrs: { pads: [1, 1, 1, 1] } },
    { op: 'Mul', inputs: ['a', 'c1'], output: 'm1' },
    { op: 'Add', inputs: ['m1', 'b'], output: 'h' },
    { op: 'Add', inputs: ['h', 'three'], output: 't' },
    { op: 'Clip', inputs: ['t'], output: 'k', attrs: { min: [0], max: [6] } },
    { op: 'Mul', inputs: ['h', 'k'], output: 'p' },
    { op: 'Div', inputs: ['p', 'six'], output: 's' },
    { op: 'Mul', inputs: ['c', 's'], output: 'm2' },
    { op: 'Add', inputs: ['m2', 'd'], output: 'q' },
    { op: 'Conv', inputs: ['q', 'w2', 'b2'], output: 'y', attrs: { pads } },
  ];
  const constants = [
    constant('w1', ramp(3 * 2 * 9, 1), [3, 2, 3, 3]),
    constant('b1', [0.5, -0.25, 1], [3]),
    constant('a', [1.7], []),
    constant('b', [-0.6], []),
    constant('three', [3], []),
    constant('six', [6], []),
    constant('c', [0.4], []),
    constant('d', [-0.3], []),
    constant('w2', ramp(4 * 3 * kernel * kernel, 2), [4, 3, kernel, kernel]),
    constant('b2', [0.1, 0.2, -0.3, 0], [4]),
  ];
  return modelOf(nodes, constants);
}

describe('simplifyModel', () => {
  it('folds both affine blocks into unpadded convolutions and computes the same output', async () => {
    const original = block([0, 0, 0, 0], 1);

    const { bytes, rewrites } = simplifyModel(original);

    expect(rewrites).toEqual({ affineIntoConv: 1, affineBeforeConv: 1, hardSwish: 1 });
    expect(opTypes(bytes)).toEqual(['Conv', 'HardSigmoid', 'Mul', 'Conv']);
    const [before, after] = [await run(original), await run(bytes)];
    expect(after).toHaveLength(before.length);
    expect(maxDifference(before, after)).toBeLessThan(1e-4);
  });

  it('keeps the offset outside a padded convolution, whose border would otherwise change', async () => {
    const original = block([1, 1, 1, 1], 3);

    const { bytes } = simplifyModel(original);

    expect(opTypes(bytes)).toEqual(['Conv', 'HardSigmoid', 'Mul', 'Add', 'Conv']);
    const [before, after] = [await run(original), await run(bytes)];
    expect(maxDifference(before, after)).toBeLessThan(1e-4);
  });

  it('leaves a graph that only resembles the patterns unchanged', () => {
    // x * Clip(x + 2, 0, 6) / 6 is not a hard-swish; a Mul reading two tensors is no affine block.
    const nodes: NodeSpec[] = [
      { op: 'Conv', inputs: ['x', 'w1', 'b1'], output: 'c1' },
      { op: 'Mul', inputs: ['c1', 'c1'], output: 'h' },
      { op: 'Add', inputs: ['h', 'two'], output: 't' },
      { op: 'Clip', inputs: ['t'], output: 'k', attrs: { min: [0], max: [6] } },
      { op: 'Mul', inputs: ['h', 'k'], output: 'p' },
      { op: 'Div', inputs: ['p', 'six'], output: 'y' },
    ];
    const original = modelOf(nodes, [
      constant('w1', ramp(6, 1), [3, 2, 1, 1]),
      constant('b1', [0, 0, 0], [3]),
      constant('two', [2], []),
      constant('six', [6], []),
    ]);

    const { bytes, rewrites } = simplifyModel(original);

    expect(rewrites).toEqual({ affineIntoConv: 0, affineBeforeConv: 0, hardSwish: 0 });
    expect(opTypes(bytes)).toEqual(['Conv', 'Mul', 'Add', 'Clip', 'Mul', 'Div']);
  });

  it('does not fold into weights that another convolution also reads', () => {
    const nodes: NodeSpec[] = [
      { op: 'Conv', inputs: ['x', 'w', 'bias'], output: 'c1' },
      { op: 'Mul', inputs: ['a', 'c1'], output: 'm1' },
      { op: 'Add', inputs: ['m1', 'b'], output: 'h' },
      { op: 'Conv', inputs: ['x', 'w', 'bias'], output: 'c2' },
      { op: 'Add', inputs: ['h', 'c2'], output: 'y' },
    ];
    const original = modelOf(nodes, [
      constant('w', ramp(6, 1), [3, 2, 1, 1]),
      constant('bias', [0, 1, 0], [3]),
      constant('a', [2], []),
      constant('b', [1], []),
    ]);

    const { rewrites } = simplifyModel(original);

    expect(rewrites.affineIntoConv).toBe(0);
  });
});
