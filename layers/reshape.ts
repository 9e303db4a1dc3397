import { broadcastTo, expandDims, permute } from "../kernels/ops/mod.ts";
import { fmtShape, sizeOf } from "../kernels/shape.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { type CallContext, Layer } from "./module.ts";
import { checkOptions } from "./validate.ts";

/** Reshape, Permute and RepeatVector: layers that only move elements (Keras names). */

/** Options of {@link Reshape}: the shape without the batch axis; one entry may be -1. */
export interface ReshapeOptions {
  targetShape: number[];
  inputShape?: number[];
}

/** Reshapes each sample to `targetShape` (a view, no copy). */
export class Reshape extends Layer {
  constructor(readonly opts: ReshapeOptions) {
    super("reshape", opts.inputShape);
    const t = opts.targetShape;
    if (
      !Array.isArray(t) || t.some((d) => !Number.isInteger(d) || (d < 1 && d !== -1)) ||
      t.filter((d) => d === -1).length > 1
    ) {
      throw new Error(
        `reshape: targetShape ${JSON.stringify(t)} must be whole numbers ≥ 1 with at most one -1`,
      );
    }
  }
  outputShape(s: number[]): number[] {
    const t = this.opts.targetShape, n = sizeOf(s), known = sizeOf(t.filter((d) => d !== -1));
    const out = t.map((d) => (d === -1 ? n / known : d));
    if (sizeOf(out) !== n || !out.every(Number.isInteger)) {
      throw new Error(
        `${this.name}: cannot reshape ${fmtShape(s)} (${n} elements) to ${fmtShape(t)}`,
      );
    }
    return out;
  }
  call(x: Tensor, _ctx: CallContext): Tensor {
    return x.reshape([x.shape[0], ...this.outputShape(x.shape.slice(1))]);
  }
  /** The options that rebuild this layer (model files). */
  getConfig(): ReshapeOptions {
    return structuredClone(this.opts);
  }
}

/** Options of {@link Permute}: a permutation of 1…rank (1-based, the batch axis stays, Keras). */
export interface PermuteOptions {
  dims: number[];
  inputShape?: number[];
}

/** Reorders the axes of each sample: output axis k is input axis dims[k − 1]. */
export class Permute extends Layer {
  constructor(readonly opts: PermuteOptions) {
    super("permute", opts.inputShape);
    const d = opts.dims;
    const sorted = Array.isArray(d) ? [...d].sort((a, b) => a - b) : [];
    if (!Array.isArray(d) || d.length === 0 || sorted.some((v, i) => v !== i + 1)) {
      throw new Error(
        `permute: dims ${JSON.stringify(d)} must be a permutation of 1…${d?.length ?? "n"} ` +
          "(1-based: axis 0 is the batch and stays)",
      );
    }
  }
  outputShape(s: number[]): number[] {
    if (s.length !== this.opts.dims.length) {
      throw new Error(
        `${this.name}: dims ${JSON.stringify(this.opts.dims)} need rank-${this.opts.dims.length} ` +
          `samples, got ${fmtShape(s)}`,
      );
    }
    return this.opts.dims.map((a) => s[a - 1]);
  }
  call(x: Tensor, _ctx: CallContext): Tensor {
    this.outputShape(x.shape.slice(1));
    return permute(x, [0, ...this.opts.dims]);
  }
  /** The options that rebuild this layer (model files). */
  getConfig(): PermuteOptions {
    return structuredClone(this.opts);
  }
}

/** Options of {@link RepeatVector}. */
export interface RepeatVectorOptions {
  n: number;
  inputShape?: number[];
}

/** Repeats a [batch, features] input n times: [batch, n, features]. */
export class RepeatVector extends Layer {
  constructor(readonly opts: RepeatVectorOptions) {
    super("repeat_vector", opts.inputShape);
    checkOptions("repeatVector", { n: [opts.n, "int≥1", "required"] });
  }
  outputShape(s: number[]): number[] {
    if (s.length !== 1) {
      throw new Error(`${this.name}: expects [features] input, got ${fmtShape(s)}`);
    }
    return [this.opts.n, s[0]];
  }
  call(x: Tensor, _ctx: CallContext): Tensor {
    this.outputShape(x.shape.slice(1));
    return broadcastTo(expandDims(x, 1), [x.shape[0], this.opts.n, x.shape[1]]);
  }
  /** The options that rebuild this layer (model files). */
  getConfig(): RepeatVectorOptions {
    return structuredClone(this.opts);
  }
}
