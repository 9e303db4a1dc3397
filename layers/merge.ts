import { add, concat, mul, mulScalar } from "../kernels/ops/mod.ts";
import { fmtShape } from "../kernels/shape.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { type CallContext, Layer, type Shape } from "./layer.ts";
import { andMasks, type Mask } from "./mask.ts";

/**
 * Merge layers, as in Keras: applied to a list of inputs (`layers.add().apply([a, b])`), on
 * tensors or symbolic inputs.
 * @module
 */

function listOf(layer: string, x: Tensor | Tensor[]): Tensor[] {
  if (!Array.isArray(x)) {
    throw new Error(`${layer}: takes a list of at least two inputs, e.g. apply([a, b])`);
  }
  return x;
}

function shapesOf(layer: string, s: Shape): number[][] {
  if (!(s.length >= 2 && Array.isArray(s[0]))) {
    throw new Error(`${layer}: takes a list of at least two inputs, e.g. apply([a, b])`);
  }
  return s as number[][];
}

/** A merge of same-shape inputs, element by element. */
abstract class ElementwiseMerge extends Layer {
  override get takesList(): boolean {
    return true;
  }
  outputShape(s: Shape): number[] {
    const shapes = shapesOf(this.name, s);
    for (const t of shapes) {
      if (fmtShape(t) !== fmtShape(shapes[0])) {
        throw new Error(
          `${this.name}: inputs must have one shape, got ${shapes.map(fmtShape).join(" and ")}`,
        );
      }
    }
    return shapes[0];
  }
  call(x: Tensor | Tensor[], _ctx: CallContext): Tensor {
    const xs = listOf(this.name, x);
    this.outputShape(xs.map((t) => t.shape.slice(1)));
    return this.merge(xs);
  }
  /** Takes its inputs' masks (Keras Merge). */
  override get supportsMasking(): boolean {
    return true;
  }
  /** The AND of the inputs' masks: a step is kept where every masked input keeps it. */
  override computeMask(_x: Tensor | Tensor[], mask?: Mask): Tensor | undefined {
    return Array.isArray(mask) ? andMasks(mask) : mask;
  }
  protected abstract merge(xs: Tensor[]): Tensor;
  /** No options: for model files. */
  getConfig(): Record<string, never> {
    return {};
  }
}

/** Sum of its inputs (residual connections). Example: `layers.add().apply([x, shortcut])`. */
export class Add extends ElementwiseMerge {
  constructor() {
    super("add");
  }
  protected merge(xs: Tensor[]): Tensor {
    return xs.slice(1).reduce((a, b) => add(a, b), xs[0]);
  }
}

/** Element-wise product of its inputs (gating). */
export class Multiply extends ElementwiseMerge {
  constructor() {
    super("multiply");
  }
  protected merge(xs: Tensor[]): Tensor {
    return xs.slice(1).reduce((a, b) => mul(a, b), xs[0]);
  }
}

/** Mean of its inputs. */
export class Average extends ElementwiseMerge {
  constructor() {
    super("average");
  }
  protected merge(xs: Tensor[]): Tensor {
    return mulScalar(xs.slice(1).reduce((a, b) => add(a, b), xs[0]), 1 / xs.length);
  }
}

/** Options of {@link Concatenate}. */
export interface ConcatenateOptions {
  /** Axis of the batched tensor to join along (default -1, the channels). Not 0 (the batch). */
  axis?: number;
}

/** Joins its inputs along `axis` (the `concat` op). */
export class Concatenate extends Layer {
  readonly axis: number;
  constructor(opts: ConcatenateOptions = {}) {
    super("concatenate");
    this.axis = opts.axis ?? -1;
    if (!Number.isInteger(this.axis) || this.axis === 0) {
      throw new Error(
        `concatenate: axis must be a non-zero integer (0 is the batch), got ${opts.axis}`,
      );
    }
  }
  override get takesList(): boolean {
    return true;
  }
  /** The options, for model files. */
  getConfig(): ConcatenateOptions {
    return { axis: this.axis };
  }
  /** The axis in a shape without the batch axis. */
  #at(rank: number): number {
    const a = this.axis < 0 ? rank + 1 + this.axis : this.axis;
    if (a < 1 || a > rank) {
      throw new Error(
        `${this.name}: axis ${this.axis} is out of range for rank ${rank + 1} inputs`,
      );
    }
    return a - 1;
  }
  outputShape(s: Shape): number[] {
    const shapes = shapesOf(this.name, s);
    const a = this.#at(shapes[0].length);
    for (const t of shapes) {
      const same = t.length === shapes[0].length &&
        t.every((d, i) => i === a || d === shapes[0][i]);
      if (!same) {
        throw new Error(
          `${this.name}: inputs must match except on axis ${this.axis}, got ${
            shapes.map(fmtShape).join(" and ")
          }`,
        );
      }
    }
    const out = [...shapes[0]];
    out[a] = shapes.reduce((n, t) => n + t[a], 0);
    return out;
  }
  call(x: Tensor | Tensor[], _ctx: CallContext): Tensor {
    const xs = listOf(this.name, x);
    this.outputShape(xs.map((t) => t.shape.slice(1)));
    return concat(xs, this.#at(xs[0].rank - 1) + 1);
  }
  /** Takes its inputs' masks (Keras Concatenate). */
  override get supportsMasking(): boolean {
    return true;
  }
  /**
   * Joined along features, a step is kept where every masked input keeps it; masked sequences
   * joined along time are refused (their masks would have to be joined too).
   */
  override computeMask(x: Tensor | Tensor[], mask?: Mask): Tensor | undefined {
    const m = Array.isArray(mask) ? andMasks(mask) : mask;
    if (m && Array.isArray(x) && this.#at(x[0].rank - 1) === 0) {
      throw new Error(
        `${this.name}: cannot join masked sequences along time (axis ${this.axis}); join them ` +
          `along features, or drop the masks`,
      );
    }
    return m;
  }
}
