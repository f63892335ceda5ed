/**
 * @module Lighter graphs for the PP-OCR models, computing the same function.
 *
 * Paddle2ONNX exports the PP-LCNetV3 blocks of the PP-OCRv4 detector and recognizer as a
 * convolution followed by a "learnable affine block" (a scalar Mul and Add), a hard-swish
 * spelt out as four operators (Add 3, Clip 0..6, Mul, Div 6), then a second affine block.
 * ONNX Runtime fuses none of them: in a profile of the recognizer these element-wise passes
 * took about a third of the run, more than the pointwise convolutions they sit between.
 *
 * {@link simplifyModel} rewrites them exactly, up to float rounding:
 * - an affine block after a convolution goes into its weights and bias;
 * - an affine block before a convolution without padding goes into its weights and bias; before
 *   a padded one only its scale can (the offset would leak into the zero padding), so the pair
 *   becomes one Add;
 * - x * Clip(x + 3, 0, 6) / 6 becomes x * HardSigmoid(x) (alpha 1/6, beta 1/2), an operator
 *   every opset since 6 has.
 * Anything that does not match these shapes exactly is left as it was, so an unknown model
 * passes through unchanged.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type Node = onnxProto.onnx.INodeProto;
type Tensor = onnxProto.onnx.ITensorProto;

/** How many patterns of each kind {@link simplifyModel} rewrote. */
export interface GraphRewrites {
  affineIntoConv: number;
  affineBeforeConv: number;
  hardSwish: number;
}

/** The rewritten model, serialised, and what was changed. */
export interface SimplifiedModel {
  bytes: Uint8Array;
  rewrites: GraphRewrites;
}

/** Rewrites the model in `bytes` (see the module comment); the input is not modified. */
export function simplifyModel(bytes: Uint8Array): SimplifiedModel {
  const model = onnx.ModelProto.decode(bytes);
  const graph = new Graph(model.graph as onnxProto.onnx.IGraphProto);
  const rewrites: GraphRewrites = {
    affineIntoConv: graph.foldAffineAfterConv(),
    affineBeforeConv: graph.foldAffineBeforeConv(),
    hardSwish: graph.shortenHardSwish(),
  };
  graph.commit();
  return { bytes: onnx.ModelProto.encode(model).finish(), rewrites };
}

const FLOAT = onnx.TensorProto.DataType.FLOAT;

/** The graph as a list of nodes, with who produces and who consumes each tensor. */
class Graph {
  readonly #graph: onnxProto.onnx.IGraphProto;
  #nodes: Node[];
  readonly #constants = new Map<string, Tensor>();
  readonly #removed = new Set<Node>();
  readonly #outputs: Set<string>;
  #producers = new Map<string, Node>();
  #readers = new Map<string, Node[]>();
  #counter = 0;

  constructor(graph: onnxProto.onnx.IGraphProto) {
    this.#graph = graph;
    this.#nodes = graph.node ?? [];
    this.#outputs = new Set((graph.output ?? []).map((output) => output.name ?? ''));
    for (const tensor of graph.initializer ?? []) this.#constants.set(tensor.name ?? '', tensor);
    for (const node of this.#nodes) {
      const value = node.opType === 'Constant' ? attribute(node, 'value')?.t : undefined;
      if (value && node.output?.[0]) this.#constants.set(node.output[0], value);
    }
    this.#reindex();
  }

  /** Conv -> Mul(a) -> Add(b) becomes one Conv with weights a*W and bias a*B + b. */
  foldAffineAfterConv(): number {
    let count = 0;
    for (const conv of this.#live('Conv')) {
      const mul = this.#soleConsumer(conv.output?.[0], 'Mul');
      const a = mul && this.#scalarOperand(mul, conv.output?.[0]);
      const add = mul && this.#soleConsumer(mul.output?.[0], 'Add');
      const b = add && this.#scalarOperand(add, mul.output?.[0]);
      if (a === undefined || b === undefined || !add || !mul) continue;
      if (!this.#ownWeights(conv)) continue;

      const { weights, bias } = this.#convParameters(conv);
      for (let i = 0; i < weights.data.length; i += 1)
        weights.data[i] = (weights.data[i] as number) * a;
      for (let m = 0; m < bias.length; m += 1) bias[m] = (bias[m] as number) * a + b;
      this.#storeConv(conv, weights.data, bias);
      (conv.output as string[])[0] = add.output?.[0] as string;
      this.#remove(mul, add);
      this.#reindex();
      count += 1;
    }
    return count;
  }

  /**
   * Mul(c) -> Add(d) -> Conv: without padding, weights c*W and bias B + d*sum(W); with
   * padding, Add(d/c) -> Conv with weights c*W, since c*(x + d/c) = c*x + d.
   */
  foldAffineBeforeConv(): number {
    let count = 0;
    for (const conv of this.#live('Conv')) {
      const input = conv.input?.[0];
      const add = this.#producer(input, 'Add');
      if (!add || this.#consumers(input).length !== 1 || this.#outputs.has(input ?? '')) continue;
      const mulOutput = add.input?.find((name) => this.#producer(name, 'Mul'));
      const mul = this.#producer(mulOutput, 'Mul');
      const d = this.#scalarOperand(add, mulOutput);
      if (!mul || d === undefined || this.#consumers(mulOutput).length !== 1) continue;
      const source = mul.input?.find((name) => !this.#constants.has(name));
      const c = this.#scalarOperand(mul, source);
      if (c === undefined || c === 0 || !source || !this.#ownWeights(conv)) continue;

      const { weights, bias } = this.#convParameters(conv);
      const padded =
        (attribute(conv, 'pads')?.ints ?? []).some((pad) => Number(pad) !== 0) ||
        !isUnpaddedMode(conv);
      if (padded) {
        this.#setScalar(add, mulOutput, d / c);
        (add.input as string[])[add.input?.indexOf(mulOutput as string) ?? 0] = source;
        this.#remove(mul);
      } else {
        addWeightSums(bias, weights, d);
        (conv.input as string[])[0] = source;
        this.#remove(mul, add);
      }
      for (let i = 0; i < weights.data.length; i += 1)
        weights.data[i] = (weights.data[i] as number) * c;
      this.#storeConv(conv, weights.data, bias);
      this.#reindex();
      count += 1;
    }
    return count;
  }

  /** x * Clip(x + 3, 0, 6) / 6 (Mul in either order) becomes x * HardSigmoid(x). */
  shortenHardSwish(): number {
    let count = 0;
    for (const add of this.#live('Add')) {
      const x = add.input?.find((name) => !this.#constants.has(name));
      if (!x || this.#scalarOperand(add, x) !== 3) continue;
      const clip = this.#soleConsumer(add.output?.[0], 'Clip');
      if (!clip || !this.#clipsTo(clip, 0, 6)) continue;
      const mul = this.#soleConsumer(clip.output?.[0], 'Mul');
      if (!mul?.input?.includes(x)) continue;
      const div = this.#soleConsumer(mul.output?.[0], 'Div');
      if (
        !div ||
        div.input?.[0] !== mul.output?.[0] ||
        this.#scalarOperand(div, div.input?.[0]) !== 6
      )
        continue;

      const gate = `${x}.hardsigmoid`;
      Object.assign(add, {
        opType: 'HardSigmoid',
        input: [x],
        output: [gate],
        attribute: [floatAttribute('alpha', 1 / 6), floatAttribute('beta', 0.5)],
      });
      Object.assign(mul, { input: [x, gate], output: div.output });
      this.#remove(clip, div);
      this.#reindex();
      count += 1;
    }
    return count;
  }

  /** Writes the node list back, without the removed nodes and the constants no one reads. */
  commit(): void {
    const live = this.#nodes.filter((node) => !this.#removed.has(node));
    const read = new Set(live.flatMap((node) => node.input ?? []));
    for (const name of this.#outputs) read.add(name);
    this.#graph.node = live.filter(
      (node) => node.opType !== 'Constant' || read.has(node.output?.[0] ?? ''),
    );
    this.#graph.initializer = (this.#graph.initializer ?? []).filter((tensor) =>
      read.has(tensor.name ?? ''),
    );
  }

  #live(opType: string): Node[] {
    return this.#nodes.filter((node) => node.opType === opType && !this.#removed.has(node));
  }

  #remove(...nodes: Node[]): void {
    for (const node of nodes) this.#removed.add(node);
  }

  /** Who produces and who reads each tensor, among the live nodes: rebuilt after each rewrite. */
  #reindex(): void {
    this.#producers = new Map();
    this.#readers = new Map();
    for (const node of this.#nodes) {
      if (this.#removed.has(node)) continue;
      for (const name of node.output ?? []) this.#producers.set(name, node);
      for (const name of new Set(node.input ?? [])) {
        const readers = this.#readers.get(name);
        if (readers) readers.push(node);
        else this.#readers.set(name, [node]);
      }
    }
  }

  #producer(name: string | undefined, opType: string): Node | undefined {
    const node = name ? this.#producers.get(name) : undefined;
    return node?.opType === opType ? node : undefined;
  }

  #consumers(name: string | undefined): Node[] {
    return (name && this.#readers.get(name)) || [];
  }

  /** The only node reading `name`, if it has the type asked for and `name` is no graph output. */
  #soleConsumer(name: string | undefined, opType: string): Node | undefined {
    const consumers = this.#consumers(name);
    if (consumers.length !== 1 || this.#outputs.has(name ?? '')) return undefined;
    const [consumer] = consumers as [Node];
    return consumer.opType === opType ? consumer : undefined;
  }

  /** The scalar constant that `node` combines with `other`, when its operands are exactly these. */
  #scalarOperand(node: Node, other: string | undefined): number | undefined {
    const inputs = node.input ?? [];
    if (inputs.length !== 2 || !other || !inputs.includes(other)) return undefined;
    const name = inputs[0] === other ? inputs[1] : inputs[0];
    const tensor = this.#constants.get(name ?? '');
    const values = tensor && floatValues(tensor);
    return values && values.length === 1 ? values[0] : undefined;
  }

  /** Replaces the scalar operand of `node` (the one that is not `other`) by `value`. */
  #setScalar(node: Node, other: string | undefined, value: number): void {
    const inputs = node.input as string[];
    const index = inputs[0] === other ? 1 : 0;
    inputs[index] = this.#addConstant(new Float32Array([value]), []);
  }

  #clipsTo(clip: Node, min: number, max: number): boolean {
    const bounds = (clip.input ?? []).slice(1).map((name) => {
      const values = name ? floatValues(this.#constants.get(name) ?? {}) : undefined;
      return values?.length === 1 ? values[0] : undefined;
    });
    const low = bounds[0] ?? attribute(clip, 'min')?.f;
    const high = bounds[1] ?? attribute(clip, 'max')?.f;
    return low === min && high === max;
  }

  /** A convolution's weights and bias must be constants that no other node reads. */
  #ownWeights(conv: Node): boolean {
    const [, weights, bias] = conv.input ?? [];
    const own = (name: string | undefined) =>
      !!name && this.#constants.has(name) && this.#consumers(name).length === 1;
    return own(weights) && (bias === undefined || bias === '' || own(bias));
  }

  #convParameters(conv: Node): {
    weights: { data: Float32Array; dims: number[] };
    bias: Float32Array;
  } {
    const [, weightName, biasName] = conv.input ?? [];
    const tensor = this.#constants.get(weightName as string) as Tensor;
    const data = floatValues(tensor) as Float32Array;
    const dims = (tensor.dims ?? []).map(Number);
    const biasTensor = biasName ? this.#constants.get(biasName) : undefined;
    const bias = biasTensor
      ? (floatValues(biasTensor) as Float32Array)
      : new Float32Array(dims[0] ?? 0);
    return { weights: { data, dims }, bias };
  }

  /** Gives the convolution fresh weight and bias initializers holding `weights` and `bias`. */
  #storeConv(conv: Node, weights: Float32Array, bias: Float32Array): void {
    const inputs = conv.input as string[];
    const dims = (this.#constants.get(inputs[1] as string)?.dims ?? []).map(Number);
    inputs[1] = this.#addConstant(weights, dims);
    inputs[2] = this.#addConstant(bias, [bias.length]);
  }

  #addConstant(values: Float32Array, dims: number[]): string {
    const name = `lectern.folded.${this.#counter++}`;
    const tensor = onnx.TensorProto.create({
      name,
      dims,
      dataType: FLOAT,
      rawData: new Uint8Array(
        values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength),
      ),
    });
    this.#graph.initializer = [...(this.#graph.initializer ?? []), tensor];
    this.#constants.set(name, tensor);
    return name;
  }
}

function attribute(node: Node, name: string): onnxProto.onnx.IAttributeProto | undefined {
  return node.attribute?.find((entry) => entry.name === name);
}

function floatAttribute(name: string, value: number): onnxProto.onnx.IAttributeProto {
  return onnx.AttributeProto.create({
    name,
    f: value,
    type: onnx.AttributeProto.AttributeType.FLOAT,
  });
}

/** `auto_pad` absent, NOTSET or VALID: no padding beyond what `pads` gives. */
function isUnpaddedMode(conv: Node): boolean {
  const autoPad = attribute(conv, 'auto_pad')?.s;
  const mode = autoPad ? new TextDecoder().decode(autoPad) : 'NOTSET';
  return mode === 'NOTSET' || mode === 'VALID';
}

/** bias[m] += d * (sum of output channel m's weights). */
function addWeightSums(
  bias: Float32Array,
  weights: { data: Float32Array; dims: number[] },
  d: number,
) {
  const perOutput = weights.data.length / (weights.dims[0] ?? 1);
  for (let m = 0; m < bias.length; m += 1) {
    let sum = 0;
    for (let i = 0; i < perOutput; i += 1) sum += weights.data[m * perOutput + i] as number;
    bias[m] = (bias[m] as number) + d * sum;
  }
}

/** A float tensor's values (a copy), or undefined for any other type. */
function floatValues(tensor: Tensor): Float32Array | undefined {
  if (tensor.dataType !== FLOAT) return undefined;
  if (tensor.rawData && tensor.rawData.length > 0) {
    const raw = tensor.rawData;
    return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  }
  return Float32Array.from(tensor.floatData ?? []);
}
